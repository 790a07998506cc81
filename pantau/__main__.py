from pantau.launch import run

run()

from pantau.cli import run

run()

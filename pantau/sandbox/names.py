"""Fictional Indonesian people, the way rosters and social profiles write them.

The sample roster and the sandbox's actors are drawn from the same list, so the
demo has real work for the matcher: employees' own accounts written with other
spellings, titles or handles, and strangers who merely share an employee's name.
Everything is a pure function of the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

MALE_FIRST = [
    "Budi", "Agus", "Bambang", "Joko", "Slamet", "Hendra", "Dedi", "Rudi", "Ahmad", "Muhammad", "Eko",
    "Andi", "Wahyu", "Teguh", "Yusuf", "Arif", "Heru", "Sigit", "Dwi", "Bayu", "Rizky", "Fajar", "Hadi",
    "Iwan", "Imam", "Sugeng", "Purnomo", "Yohanes", "Komang", "Made", "Iqbal", "Hamzah", "Fauzan", "Reza",
    "Dimas", "Galih", "Ilham", "Irfan", "Syaiful", "Taufik", "Cahyo", "Abdul", "Yudi", "Junaedi", "Suharto",
    "Sutrisno", "Wawan", "Yanto", "Haryanto", "Sukirman",
]
FEMALE_FIRST = [
    "Siti", "Sri", "Dewi", "Ratna", "Wahyuni", "Nur", "Fitri", "Rina", "Yuli", "Endang", "Indah", "Lestari",
    "Ani", "Dian", "Eka", "Ratih", "Laras", "Yetty", "Nining", "Tuti", "Rahmawati", "Kartika", "Ayu", "Putri",
    "Anisa", "Nurul", "Retno", "Sulastri", "Suryani", "Maria", "Rosa", "Intan", "Mega", "Wulan", "Citra",
    "Puji", "Umi", "Yanti", "Juwita", "Cahyani",
]
MIDDLE = ["", "", "", "", "Dwi", "Tri", "Adi", "Nur", "Eka", "Putra", "Sri", "Agung", "Ayu", "Budi"]
FAMILY = [
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Setiawan", "Kurniawan", "Pratama", "Susanto",
    "Hartono", "Gunawan", "Wibowo", "Siregar", "Nasution", "Harahap", "Lubis", "Simatupang", "Sihombing",
    "Pane", "Ramli", "Rahman", "Hakim", "Syahputra", "Purba", "Tanjung", "Sutrisno", "Suryadi", "Hasibuan",
    "Manurung", "Ardana", "Wardhana", "Rahayu", "Handayani", "Permana", "Firmansyah", "Maulana", "Ramadhan",
    "Hermawan", "Sulistyo", "Prasetyo", "Budiman", "Halim", "Tambunan", "Situmorang", "Sinaga", "Mahendra",
    "Wulandari", "Astuti", "Susilo", "Cahyadi", "Yulianto", "Jayadi", "Suharjo", "Kusuma", "Syahrial",
    "Junaidi", "Yuniarti", "Cahyono", "Sujatmiko", "Khairuddin",
]
FRONT_TITLES_M = ["Drs.", "Dr.", "Ir.", "H.", "H.", "dr."]
FRONT_TITLES_F = ["Dra.", "Dr.", "Ir.", "Hj.", "Hj.", "dr."]
BACK_TITLES = ["S.Pd.", "S.E.", "M.Si.", "S.H.", "S.Kom.", "A.Md.", "S.Sos.", "S.T.", "M.M.", "S.Pd., M.Pd.",
               "S.IP.", "S.Kep.", "A.Md.Keb.", "S.E., M.M.", "S.H., M.H."]
ABBREVIATIONS = {"Muhammad": ["Moh.", "Moch.", "M.", "Muh."], "Abdul": ["Abd."], "Siti": ["St."]}

UNITS = [
    "Dinas Pendidikan", "Dinas Kesehatan", "Badan Kepegawaian dan Pengembangan SDM", "Sekretariat Daerah",
    "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial", "Dinas Perhubungan", "Kecamatan Laweyan",
    "Kecamatan Banjarsari", "Kecamatan Jebres", "Inspektorat Daerah", "Badan Perencanaan Pembangunan Daerah",
    "Dinas Kependudukan dan Pencatatan Sipil", "RSUD Kota", "Satuan Polisi Pamong Praja", "Dinas Koperasi dan UKM",
    "SD Negeri 3 Kota", "SMP Negeri 5 Kota", "Puskesmas Manahan", "Badan Pendapatan Daerah",
]
POSITIONS = [
    "Guru Ahli Pertama", "Guru Ahli Muda", "Analis Kepegawaian", "Pengelola Keuangan", "Perawat Terampil",
    "Bidan Ahli Pertama", "Kepala Seksi", "Kepala Subbagian Umum", "Camat", "Sekretaris Camat", "Lurah",
    "Penata Kelola Pemerintahan", "Pranata Komputer", "Auditor Ahli Muda", "Staf Pelaksana", "Dokter Ahli Pertama",
    "Arsiparis Terampil", "Pengadministrasi Perkantoran", "Kepala Bidang", "Penyuluh Sosial",
]

PLACES = ["Laweyan", "Banjarsari", "Jebres", "Pasar Kliwon", "Serengan", "Sambirejo", "Kartasura", "Colomadu",
          "Mojosongo", "Kadipiro", "Sumber", "Manahan", "Gilingan", "Nusukan"]
TOPICS = ["air bersih", "jalan desa", "harga beras", "guru honorer", "pasar tradisional", "beasiswa",
          "layanan puskesmas", "lapangan kerja", "banjir", "transportasi umum", "UMKM", "sampah kota"]

POST_TEMPLATES = [
    "Terima kasih warga {place} atas sambutannya hari ini. Soal {topic} kami catat semua. #Pemilu2029",
    "Program kami untuk {topic}: anggaran jelas, diawasi warga. Bagaimana menurut Bapak/Ibu?",
    "Blusukan ke {place} pagi ini, mendengar keluhan soal {topic}.",
    "Malam ini debat publik. Saya akan bicara soal {topic}. Tonton siarannya!",
    "Apa masalah paling mendesak di {place}? Tulis di balasan, saya baca satu per satu.",
    "Kunjungan ke pasar {place}: pedagang minta perhatian soal {topic}.",
    "Dialog dengan pemuda {place} tentang {topic}. Semangat anak muda luar biasa!",
    "Rekaman lengkap diskusi {topic} bersama warga {place}.",
]
SELF_REPLY_TEMPLATES = [
    "Tambahan: jadwal tatap muka warga Sabtu ini pukul 09.00 di balai {place}.",
    "Ringkasan program {topic} ada di utas ini.",
    "Terima kasih atas masukannya, akan kami tindak lanjuti.",
]
COMMENT_TEMPLATES = [
    "Semangat Pak, kami dukung!", "Kapan {topic} di {place} diperbaiki?", "Mohon perhatikan {topic} di {place}.",
    "Setuju, {topic} memang mendesak.", "Janji kampanye jangan cuma janji.", "Mantap programnya!",
    "Di {place} {topic} masih jadi masalah, Bu.", "Bagaimana sumber anggarannya, APBD atau dana desa?",
    "Sukses selalu, semoga amanah.", "Saya warga {place}, siap mendukung.", "Kurang setuju soal {topic}.",
    "Kami tunggu realisasinya.", "Tolong jawab pertanyaan warga soal {topic}.", "Hadir dari {place} 🙏",
    "Setuju 👍", "Sudah saya bagikan ke grup RT.",
]
REPLY_TEMPLATES = [
    "Betul, di tempat kami juga begitu.", "Setuju dengan Bapak.", "Tidak semua begitu, Mas.",
    "Sumbernya dari mana?", "Benar sekali.", "Kita kawal bersama.", "Haha iya.", "Semoga didengar.",
]
OWNER_REPLY_TEMPLATES = ["Terima kasih, sudah kami catat.", "Siap, akan kami tindak lanjuti.",
                         "Terima kasih dukungannya 🙏", "Jadwal lengkap akan kami umumkan."]
# Text written by strangers must stay text: markup, formulas and scripts appear in comments.
TRICKY_TEXTS = [
    "<script>alert('pantau')</script> coba", "=HYPERLINK(\"http://contoh.invalid\",\"klik\")",
    "<b>tebal</b> & [b]markup[/b] :smile:", "+62 812-0000-0000 hubungi saya", "@admin -- '; DROP TABLE x; --",
]
QUOTE_TEMPLATES = ["Ini yang perlu dikawal.", "Setuju dengan poin ini.", "Coba baca ini, warga {place}.",
                   "Janji lagi? Kita lihat nanti.", "Penting soal {topic}."]
PUBLIC_BIOS = ["", "", "Warga {place}. Suka ngopi dan diskusi.", "Pedagang di pasar {place}.",
               "Mahasiswa. Pemerhati {topic}.", "Ibu rumah tangga, {place}.", "Pensiunan. Pemerhati kebijakan publik.",
               "Ojol {place} 🛵", "Wiraswasta.", "Fotografer amatir.", "Petani di {place}."]
EMPLOYEE_BIOS = ["", "", "ASN. Pendapat pribadi.", "Abdi negara di {unit}.", "Bekerja di {unit}.",
                 "{position}. Tinggal di {place}.", "Guru. Mencerdaskan bangsa.", "Pelayan masyarakat."]
BRANDS = ["Info Kuliner Solo", "Toko Batik Laris", "Berita Kota Terkini", "Kopi Kenangan Senja", "Radio Suara Warga",
          "Komunitas Sepeda Kota", "Warung Makan Bu Tini", "Forum Warga Peduli", "Jasa Servis AC Jaya",
          "Koperasi Maju Bersama", "Laskar Relawan 2029", "Seputar Pemilu", "Cek Fakta Kita", "Bimbel Cerdas",
          "Apotek Sehat Selalu"]
BOTS = ["Bot Kutipan Harian", "Auto Retweet Pemilu", "Promo Pulsa Murah", "Bot Cuaca Kota", "Giveaway Harian"]


@dataclass
class Person:
    """A fictional person with the parts of their name kept apart."""

    idx: int
    first: str
    middle: str
    family: str
    female: bool
    birth: date

    @property
    def plain(self) -> str:
        return " ".join(p for p in (self.first, self.middle, self.family) if p)


@dataclass
class Employee:
    """A roster row of the sample roster."""

    person: Person
    nip: str
    roster_name: str
    unit: str
    position: str
    handles: list[str] = field(default_factory=list)


def old_spelling(name: str) -> str:
    """The pre-1972 (EYD) spelling: oe for u, dj for j, tj for c, j for y, sj for sy, ch for kh."""
    out = name
    for new, old in (("Sy", "Sj"), ("sy", "sj"), ("Kh", "Ch"), ("kh", "ch"), ("C", "Tj"), ("c", "tj"),
                     ("J", "Dj"), ("j", "dj"), ("Y", "J"), ("y", "j"), ("u", "oe"), ("U", "Oe")):
        out = out.replace(new, "\0" + old + "\0")
    return out.replace("\0", "")


def make_person(rng: random.Random, idx: int) -> Person:
    female = rng.random() < 0.45
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    middle = rng.choice(MIDDLE)
    if middle == first:
        middle = ""
    family = rng.choice(FAMILY)
    if family == first:
        family = rng.choice(FAMILY[:10])
    birth = date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
    return Person(idx, first, middle, family, female, birth)


def titled(person: Person, rng: random.Random, *, p_front: float = 0.3, p_back: float = 0.5) -> str:
    """The name with academic/religious titles, as rosters and profiles often carry them."""
    name = person.plain
    if rng.random() < p_front:
        name = f"{rng.choice(FRONT_TITLES_F if person.female else FRONT_TITLES_M)} {name}"
    if rng.random() < p_back:
        name = f"{name}, {rng.choice(BACK_TITLES)}"
    return name


def employees(seed: int = 1, count: int = 300) -> list[Employee]:
    """The sample roster's employees: valid NIPs, titles, old spellings, some known handles."""
    rng = random.Random(f"pantau-sandbox:{seed}:roster")
    out: list[Employee] = []
    seen_nip: set[str] = set()
    for i in range(count):
        p = make_person(rng, i)
        name = p.plain
        roll = rng.random()
        if roll < 0.12:                                   # old spelling in the personnel system
            name = " ".join(old_spelling(w) if rng.random() < 0.7 else w for w in name.split())
        elif roll < 0.2 and p.first in ABBREVIATIONS:     # abbreviated first name
            name = name.replace(p.first, rng.choice(ABBREVIATIONS[p.first]), 1)
        if rng.random() < 0.55:
            front = rng.choice(FRONT_TITLES_F if p.female else FRONT_TITLES_M) + " " if rng.random() < 0.35 else ""
            back = ", " + rng.choice(BACK_TITLES) if rng.random() < 0.75 else ""
            name = f"{front}{name}{back}"
        if rng.random() < 0.3:
            name = name.upper()
        appt_year = min(2024, p.birth.year + rng.randint(22, 34))
        while True:
            nip = (f"{p.birth:%Y%m%d}{appt_year:04d}{rng.randint(1, 12):02d}"
                   f"{2 if p.female else 1}{rng.randint(1, 999):03d}")
            if nip not in seen_nip:
                seen_nip.add(nip)
                break
        out.append(Employee(p, nip, name, rng.choice(UNITS), rng.choice(POSITIONS)))
    return out


def handle_stem(person: Person, rng: random.Random) -> str:
    """A handle a person would pick from their own name: budi.santoso, bsantoso88, santoso_budi."""
    f, l = person.first.lower().replace(" ", ""), person.family.lower()
    year = f"{person.birth.year % 100:02d}"
    forms = [f"{f}.{l}", f"{f[0]}{l}{year}", f"{f}{l}", f"{l}_{f}", f"{f}_{l}{rng.randint(1, 99)}",
             f"{f}.{l}.{year}", f"{f}{l[0]}", f"real{f}{l}"]
    return rng.choice(forms)


def fill(template: str, rng: random.Random, **extra: str) -> str:
    values = {"place": rng.choice(PLACES), "topic": rng.choice(TOPICS), **extra}
    return template.format(**values)

"""A realistic labelled set for matching: a roster, the actors, and the ground truth.

Fixed parameters and seed (printed by every benchmark run). The roster has titles
(front and back, with and without dots, ALL CAPS rows), old spellings for older
employees, abbreviations (Moh., M., Abd.), mononyms, Balinese birth-order names,
duplicate names, NIPs carrying birth dates, units and positions, and a few known
handles. The actors are ``EMPLOYEE_SHARE`` employees' own accounts derived in many
ways (exact, titled, respelled, abbreviated, initials, shortened, handle only,
styled Unicode, birth digits, unit words in the bio), a public drawn from the same
name distribution including exact namesakes of employees, and brand/bot accounts.

Nothing here looks at the matcher: the generator describes people, not the rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pantau.matching.normalize import VERSION, normalise
from storage.records import Actor, Employee

SEED = 20291
EMPLOYEE_SHARE = 0.04          # actors who are employees' own accounts
NAMESAKE_SHARE = 0.05          # of the public: copy an employee's name exactly (plus natural collisions)
BRAND_SHARE = 0.12             # of the public: brands, media, bots
DUPLICATE_SHARE = 0.02         # roster rows given another employee's name
KNOWN_HANDLE_SHARE = 0.01      # employees whose roster row lists their handle
PARAMS = dict(seed=SEED, employee_share=EMPLOYEE_SHARE, namesake_share=NAMESAKE_SHARE, brand_share=BRAND_SHARE,
              duplicate_share=DUPLICATE_SHARE, known_handle_share=KNOWN_HANDLE_SHARE)

MALE = """Budi Agus Joko Bambang Slamet Heru Hendra Andi Dedi Eko Rudi Yudi Wahyu Dwi Tri Arif Rizki Fajar Dani
Teguh Bayu Indra Adi Hadi Iwan Imam Ahmad Muhammad Abdul Yusuf Hasan Ali Ilham Faisal Hendri Taufik Saiful Zainal
Sigit Gunawan Setiawan Herman Darmawan Anton Dimas Galih Rahmat Hidayat Nur Aris Bagus Yoga Putra Reza Irfan Fikri
Rudy Suryadi Wawan Asep Ujang Dadang Cecep Ade Ujang Yanto Heryanto Sutrisno Suparman Sugeng Supriyadi Sukirman
Paulus Yohanes Stefanus Markus Petrus Robert Hotman Togar Benny Frans""".split()
FEMALE = """Sri Siti Dewi Rina Ratna Wulan Ayu Indah Lestari Fitri Nur Nurul Dian Ika Yuni Wahyuni Rahayu Kartika
Putri Rini Yanti Nining Endang Tuti Sari Novi Maya Eka Dwi Tri Anisa Aisyah Fatimah Khadijah Lina Mega Puspita Intan
Ani Yulia Desi Reni Rosa Maria Theresia Agnes Veronika Debora Ratih Suharti Sumarni Sulastri Suparti Wartini Tini""".split()
SURNAMES = """Santoso Wibowo Susanto Prasetyo Nugroho Hidayat Saputra Kurniawan Setiawan Wahyudi Gunawan Purnomo
Hartono Suharto Sugiarto Rahman Hakim Siregar Nasution Harahap Lubis Simanjuntak Pangaribuan Sihombing Tampubolon
Sinaga Situmorang Manurung Hutapea Wijaya Halim Tanjung Syahputra Ramadhan Firmansyah Maulana Pratama Permana
Kusuma Utami Lestari Wulandari Handayani Kartini Puspitasari Rahmawati Susilowati Yuliani Fitriani Anggraini
Hermawan Sulistyo Riyadi Mulyadi Suryanto Haryanto Budiman Effendi Iskandar Siswanto Wahyuningsih Sutanto
Djojohadikusumo Tjahjono Soewandi Soekarno Soedarsono Pohan Daulay Rangkuti Ginting Tarigan Sembiring Surbakti
Latuconsina Pattimura Matulessy Mandagi Rumondor Sondakh Lumban Batubara Nainggolan Panjaitan""".split()
MONONYM = """Sutrisno Suparman Sukirman Sumarno Sugiono Paijo Ngatijo Ngadiman Tukiman Parjo Suwarni Sumiati
Ngatini Painem Tumini Sarinah Karsono Wagiman Sarmin Rusmini Mulyono Darsono Kasmini Sukarni""".split()
MIDDLE_M = MALE + SURNAMES
MIDDLE_F = FEMALE + SURNAMES
BALI_ORDER = ["Wayan", "Putu", "Made", "Kadek", "Nyoman", "Komang", "Ketut", "Gede"]
BALI_NAMES = """Sudarma Suarjana Artawan Mahendra Wirawan Astawa Sukerta Ariani Sukmawati Suastika Widiastuti
Darmawan Purnama Sudiarta Yasa Suartini""".split()
FRONT = ["Drs.", "Dra.", "Dr.", "Ir.", "H.", "Hj.", "dr.", "Prof. Dr."]
BACK = ["S.Pd.", "S.Pd.I", "S.E.", "S.H.", "S.Sos.", "S.Kom.", "S.T.", "S.Kep., Ners", "A.Md.Kep.", "A.Md.",
        "M.Si.", "M.M.", "M.Pd.", "S.KM", "M.Kes.", "S.IP", "SE", "SPd", "S.Ag.", "Gr."]
UNITS = [("Dinas Pendidikan", "Guru"), ("SD Negeri {n} {r}", "Guru"), ("SMP Negeri {n} {r}", "Guru"),
         ("Dinas Kesehatan", "Perawat"), ("Puskesmas {r}", "Bidan"), ("RSUD {r}", "Perawat"),
         ("Badan Kepegawaian Daerah", "Analis Kepegawaian"), ("Bappeda", "Perencana"),
         ("Dinas Pertanian", "Penyuluh Pertanian"), ("Dinas Perhubungan", "Pengawas"),
         ("Sekretariat Daerah", "Pengadministrasi Umum"), ("Kecamatan {r}", "Camat"),
         ("Dinas Sosial", "Pekerja Sosial"), ("Inspektorat", "Auditor"), ("Satpol PP", "Polisi Pamong Praja"),
         ("Dinas Kependudukan dan Pencatatan Sipil", "Operator"), ("BPBD", "Analis Bencana")]
REGIONS = """Sleman Bantul Gunungkidul Kulonprogo Klaten Boyolali Sukoharjo Wonogiri Karanganyar Sragen Magelang
Temanggung Wonosobo Purworejo Kebumen Banyumas Cilacap Brebes Tegal Pemalang Pekalongan Batang Kendal Demak
Kudus Jepara Pati Rembang Blora Grobogan Semarang Salatiga Surakarta""".split()
BRANDS = ["Toko {a} {b}", "{a} {b} Official", "Info {r}", "{r} Update", "Promo {a} Murah", "Berita {r} Terkini",
          "{a}{b} Store", "Kopi {a}", "Warung {a} {b}", "Komunitas {a} {r}", "Relawan {a} {r}", "Akun Bot {n}"]
BRAND_WORDS = "Berkah Jaya Makmur Sentosa Abadi Sejahtera Mandiri Barokah Sukses Indah Murah Mulia Nusantara".split()
OLD_SPELL = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("sy", "sj"), ("ny", "nj"), ("kh", "ch"), ("y", "j")]
STYLED = {c: chr(0x1D4EA + ord(c) - 97) for c in "abcdefghijklmnopqrstuvwxyz"}    # bold script small
STYLED.update({c: chr(0x1D4D0 + ord(c) - 65) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


@dataclass
class Dataset:
    employees: list[Employee]
    actors: list[Actor]
    truth: dict[int, str]                       # actor index -> nip
    tags: dict[int, set[str]] = field(default_factory=dict)   # actor index -> hard-case tags
    namesakes: int = 0                          # public actors whose canonical name equals an employee's
    public: int = 0
    params: dict = field(default_factory=dict)


def _zipf_pick(rng: random.Random, pool: list[str], s: float = 1.0) -> str:
    # weights 1/rank^s, cached per pool
    key = (id(pool), len(pool), s)
    cum = _CUM.get(key)
    if cum is None:
        acc, cum = 0.0, []
        for i in range(len(pool)):
            acc += 1.0 / (i + 1) ** s
            cum.append(acc)
        _CUM[key] = cum
    x = rng.random() * cum[-1]
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return pool[lo]


_CUM: dict = {}


# Synthetic stems widen the name distribution to the diversity of a real roster:
# real rosters repeat common names, but most full names are rare.
_PRE = "Su Sa Har Pur Wi Ja Dar Sur Kus Bud Mul Sup Rah Sri Tri Nur Ad Hen Yu Ar Ag Rus Wa Ju Ku Sep Fe Ri Ro De".split()
_MID = ["", "ri", "ya", "ta", "na", "wi", "ma", "sa", "di", "ja", "ha", "tra", "dar", "mo", "ni", "la", "ra", "si"]
_END_M = "to no so wo di man yanto yadi wan anto ono adi pto rno sman tono jo ko ri".split()
_END_F = "ti ni wati sih ningsih yati yani ah ini tun nah ri sari wulan ini ina".split()


def synthetic_given(rng: random.Random, female: bool) -> str:
    return (rng.choice(_PRE) + rng.choice(_MID) + rng.choice(_END_F if female else _END_M)).capitalize()


def synthetic_surname(rng: random.Random) -> str:
    return (rng.choice(_PRE) + rng.choice(_MID) + rng.choice(_END_M + ["jaya", "kusuma", "putra", "sasmita",
                                                                      "wijaya", "negara", "atmaja"])).capitalize()


def person_name(rng: random.Random, female: bool) -> list[str]:
    """Tokens of a plausible Indonesian name (no titles)."""
    r = rng.random()
    given = FEMALE if female else MALE
    if r < 0.08:
        return [_zipf_pick(rng, MONONYM, 0.6) if rng.random() < 0.3 else synthetic_given(rng, female)]
    if r < 0.16:
        order = _zipf_pick(rng, BALI_ORDER, 0.5)
        pre = ["Ni"] if female else ["I"]
        return pre + [order, _zipf_pick(rng, BALI_NAMES, 0.5) if rng.random() < 0.4 else synthetic_surname(rng)]
    toks = [_zipf_pick(rng, given, 0.8) if rng.random() < 0.4 else synthetic_given(rng, female)]
    if not female and rng.random() < 0.10 and toks[0] != "Muhammad":
        toks.insert(0, "Muhammad")
    if rng.random() < 0.45:
        toks.append(_zipf_pick(rng, MIDDLE_F if female else MIDDLE_M, 0.7) if rng.random() < 0.5
                    else synthetic_given(rng, female))
    toks.append(_zipf_pick(rng, SURNAMES, 0.7) if rng.random() < 0.35 else synthetic_surname(rng))
    # a few names merge Nur/Abdul compounds as written
    if toks[0] == "Nur" and len(toks) > 1 and rng.random() < 0.4:
        toks = ["Nur" + toks[1].lower()] + toks[2:]
    return toks


def old_spelling(rng: random.Random, word: str) -> str:
    low = word.lower()
    for new, old in OLD_SPELL:
        if new in low and rng.random() < (0.35 if new == "y" else 0.8):
            low = low.replace(new, old, 1)
            return low.capitalize()
    return word


def modern(word: str) -> str:
    w = word.lower()
    for new, old in OLD_SPELL[:-1]:
        w = w.replace(old, new)
    return w.capitalize()


def write_roster_name(rng: random.Random, toks: list[str], birth_year: int) -> tuple[str, list[str]]:
    toks = list(toks)
    if birth_year < 1972 and rng.random() < 0.35:
        toks = [old_spelling(rng, t) for t in toks]
    if toks[0] == "Muhammad" and rng.random() < 0.5:
        toks[0] = rng.choice(["Moh.", "M.", "Moch.", "Muh.", "Mochammad", "Mohammad", "Muhamad"])
    if toks[0] == "Abdul" and rng.random() < 0.3:
        toks[0] = "Abd."
    front = []
    if rng.random() < 0.2:
        front = [rng.choice(FRONT)]
    back = []
    if rng.random() < 0.5:
        back = [rng.choice(BACK)]
        if rng.random() < 0.2:
            back.append(rng.choice(["M.Si.", "M.Pd.", "M.M.", "M.Kes."]))
    name = " ".join(front + toks)
    if back:
        name += ", " + ", ".join(back)
    if rng.random() < 0.3:
        name = name.upper()
    return name, toks


def nip_for(rng: random.Random, year: int, female: bool, seq: int) -> str:
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    tmt_y = min(year + rng.randint(20, 30), 2024)
    return f"{year:04d}{m:02d}{d:02d}{tmt_y:04d}{rng.randint(1, 12):02d}{2 if female else 1}{seq % 1000:03d}"


def handle_from(rng: random.Random, toks: list[str], nip: str | None, *, birth_digits: bool) -> tuple[str, set[str]]:
    """A handle a person with this name might pick; tags what makes it hard."""
    tags: set[str] = set()
    words = [modern(t).lower().replace(".", "") for t in toks if t.strip(".")]
    words = [w for w in words if w] or ["user"]
    r = rng.random()
    if r < 0.30:
        core = rng.choice(["", ".", "_"]).join(words)
    elif r < 0.45 and len(words) >= 2:
        core = words[0][0] + words[-1]                     # bsantoso
        tags.add("initials")
    elif r < 0.55 and len(words) >= 2:
        core = words[0] + rng.choice(["", ".", "_"]) + words[-1][0]   # budis, budi.s
        tags.add("initials")
    elif r < 0.70 and len(words) >= 2:
        core = words[0] + words[-1]                          # first + last
    elif r < 0.80:
        core = "".join(w.capitalize() for w in words)        # BudiSantoso
    else:
        core = words[-1] + rng.choice(["", "_", "."]) + words[0]   # santoso.budi
    digits = ""
    if birth_digits and nip:
        y, m, d = nip[2:4], nip[4:6], nip[6:8]
        digits = rng.choice([y, nip[:4], d + m, d + m + y, nip[:8]])
    elif rng.random() < 0.35:
        digits = str(rng.choice([rng.randint(1, 99), rng.randint(60, 99), rng.randint(1965, 2005),
                                 rng.randint(100, 9999)]))
    return core + digits, tags


def styled(s: str) -> str:
    return "".join(STYLED.get(c, c) for c in s)


def generate(n_employees: int, n_actors: int, seed: int = SEED) -> Dataset:
    rng = random.Random(seed)
    employees: list[Employee] = []
    raw_tokens: list[list[str]] = []
    nips: set[str] = set()
    for i in range(n_employees):
        female = rng.random() < 0.5
        year = rng.randint(1962, 2000)
        if employees and rng.random() < DUPLICATE_SHARE:
            toks = raw_tokens[rng.randrange(len(raw_tokens))]
        else:
            toks = person_name(rng, female)
        name, written = write_roster_name(rng, toks, year)
        nip = nip_for(rng, year, female, i)
        while nip in nips:
            nip = nip_for(rng, year, female, rng.randint(0, 999))
        nips.add(nip)
        unit, pos = rng.choice(UNITS)
        region = rng.choice(REGIONS)
        unit = unit.format(n=rng.randint(1, 12), r=region) + ("" if "{r}" in unit else f" Kabupaten {region}")
        n = normalise(name)
        employees.append(Employee(nip=nip, name=name, name_norm=n.text, norm_version=VERSION, titles=n.titles,
                                  unit=unit, position=pos, birth_date=f"{nip[:4]}-{nip[4:6]}-{nip[6:8]}",
                                  source="bench"))
        raw_tokens.append(toks)
    n_emp_actors = int(round(n_actors * EMPLOYEE_SHARE))
    chosen = rng.sample(range(n_employees), min(n_emp_actors, n_employees))
    actors: list[Actor] = []
    truth: dict[int, str] = {}
    tags: dict[int, set[str]] = {}
    known_p = min(1.0, KNOWN_HANDLE_SHARE * n_employees / max(len(chosen), 1))
    platforms = ["mastodon", "bluesky", "youtube", "web", "instagram", "x", "tiktok", "facebook"]
    listed: list[tuple[int, int]] = []            # (employee, actor index) whose roster row lists the handle
    for ei in chosen:
        e = employees[ei]
        toks = raw_tokens[ei]
        written_tokens = [t for t in normalise_written(e.name)]
        t: set[str] = set()
        birth = rng.random() < 0.30
        handle, ht = handle_from(rng, toks, e.nip, birth_digits=birth)
        t |= ht
        r = rng.random()
        if r < 0.30:
            display = " ".join(toks)
        elif r < 0.40:
            display = e.name if not e.name.isupper() else e.name.title()
        elif r < 0.50:
            # the spelling differs from the roster's (old in one, new in the other)
            if any(w != modern(w) for w in written_tokens):
                display = " ".join(modern(w) for w in written_tokens)
            else:
                display = " ".join(old_spelling(rng, w) for w in toks)
            if normalise(display).text.replace(" ", "") != e.name_norm.replace(" ", "") or True:
                t.add("old_spelling")
        elif r < 0.58 and len(toks) >= 2:
            display = f"{toks[0][0]}. {' '.join(toks[1:])}" if rng.random() < 0.5 else \
                f"{' '.join(toks[:-1])} {toks[-1][0]}."
            t.add("initials")
        elif r < 0.66 and len(toks) >= 3:
            display = f"{toks[0]} {toks[-1]}"                  # a middle name dropped
        elif r < 0.72:
            display = styled(" ".join(toks)) + rng.choice(["", " \u2728", " \U0001F1EE\U0001F1E9"])
        elif r < 0.78 and toks[0] in ("Muhammad",):
            display = "M. " + " ".join(toks[1:])
        elif r < 0.92:
            display = rng.choice(["", "Bunda " + rng.choice(FEMALE), "\U0001F33A\U0001F33A", "Hamba Allah",
                                  "Ayah " + rng.choice(MALE), "Pejuang Rupiah"])
            t.add("handle_only")
        else:
            display = " ".join(toks).upper()
        if not e.handles and rng.random() < known_p:
            listed.append((ei, len(actors)))       # written once the account's platform is known
        bio = None
        if rng.random() < 0.25:
            region = e.unit.split()[-1]
            bio = rng.choice([f"{e.position} di {e.unit}", f"ASN {region}", f"Abdi negara. {e.unit}",
                              f"{e.position} | {region}", "Hidup adalah perjuangan"])
        idx = len(actors)
        actors.append(Actor(platform=rng.choice(platforms), actor_key=f"emp{ei}", handle=handle,
                            display_name=display or None, bio=bio))
        truth[idx] = e.nip
        tags[idx] = t
    # the public
    n_public = n_actors - len(actors)
    emp_names = {e.name_norm for e in employees}
    namesakes = 0
    for j in range(n_public):
        r = rng.random()
        if r < BRAND_SHARE:
            tpl = rng.choice(BRANDS)
            display = tpl.format(a=rng.choice(BRAND_WORDS), b=rng.choice(BRAND_WORDS), r=rng.choice(REGIONS),
                                 n=rng.randint(1, 999))
            handle = display.lower().replace(" ", rng.choice(["", "_", "."])) + (
                str(rng.randint(1, 999)) if rng.random() < 0.3 else "")
            actors.append(Actor(platform=rng.choice(platforms), actor_key=f"pub{j}", handle=handle,
                                display_name=display, bio=rng.choice([None, "Promo setiap hari", "Akun resmi"])))
            continue
        toks = person_name(rng, rng.random() < 0.5)
        # exact namesakes: natural collisions, topped up with copies until NAMESAKE_SHARE is reached
        if normalise(" ".join(toks)).text not in emp_names and namesakes < NAMESAKE_SHARE * (j + 1) \
                and rng.random() < 2 * NAMESAKE_SHARE:
            toks = raw_tokens[rng.randrange(n_employees)]
        handle, _ = handle_from(rng, toks, None, birth_digits=False)
        rr = rng.random()
        if rr < 0.6:
            display = " ".join(toks)
        elif rr < 0.75:
            display = " ".join(toks).upper()
        elif rr < 0.85:
            display = toks[0]
        else:
            display = ""
        bio = rng.choice([None, None, None, "Pecinta kopi", f"Tinggal di {rng.choice(REGIONS)}",
                          "Wirausaha", "Mahasiswa", "Ibu rumah tangga", f"Guru honorer {rng.choice(REGIONS)}"])
        if normalise(" ".join(toks)).text in emp_names:
            namesakes += 1
        actors.append(Actor(platform=rng.choice(platforms), actor_key=f"pub{j}", handle=handle,
                            display_name=display or None, bio=bio))
    platform_handles(actors, employees, listed, random.Random(seed + KNOWN_SEED_OFFSET))
    # shuffle actors so employee accounts are not all first
    order = list(range(len(actors)))
    rng.shuffle(order)
    new_actors = [actors[i] for i in order]
    pos = {old: new for new, old in enumerate(order)}
    truth = {pos[k]: v for k, v in truth.items()}
    tags = {pos[k]: v for k, v in tags.items()}
    return Dataset(employees=employees, actors=new_actors, truth=truth, tags=tags, namesakes=namesakes,
                   public=n_public, params={**PARAMS, "employees": n_employees, "actors": n_actors})


MASTODON_HOSTS = ["mastodon.social"] * 4 + ["mastodon.id", "kolektiva.social", "mas.to", "mastodon.online"]
KNOWN_BARE_ONLY = False       # True: every known handle bare, as before model 4 (for before/after figures)
KNOWN_SEED_OFFSET = 7919      # the handle forms below draw from their own generator: the rest of the set is unchanged
URL_FORMS = {"instagram": ["https://www.instagram.com/{h}/", "instagram.com/{h}", "https://instagram.com/{h}?igsh=x1"],
             "x": ["https://x.com/{h}", "https://twitter.com/{h}", "x.com/{h}"],
             "tiktok": ["https://www.tiktok.com/@{h}", "tiktok.com/@{h}"],
             "facebook": ["https://www.facebook.com/{h}", "https://m.facebook.com/{h}/", "fb.com/{h}"],
             "youtube": ["https://www.youtube.com/@{h}", "youtube.com/@{h}"],
             "bluesky": ["https://bsky.app/profile/{h}"],
             "mastodon": ["https://{host}/@{u}"]}
PREFIX_FORMS = {"instagram": ["instagram:{h}", "IG: @{h}", "ig @{h}", "Instagram: {h}"],
                "x": ["x:{h}", "twitter: @{h}", "Twitter @{h}"], "tiktok": ["tiktok:@{h}", "TikTok: {h}"],
                "facebook": ["fb:{h}", "Facebook: {h}"], "youtube": ["youtube:@{h}", "YT: {h}"],
                "bluesky": ["{h}", "bsky:{h}"], "mastodon": ["@{u}@{host}", "mastodon: @{u}@{host}"],
                "web": ["{h}"]}


def platform_handles(actors: list[Actor], employees: list[Employee], listed: list[tuple[int, int]],
                     rng: random.Random) -> None:
    """Handles as each platform writes them, unique per platform, and the roster's known handles.

    Mastodon handles carry a server (``user@host``), Bluesky ones a domain, YouTube ones
    an ``@``; a platform never gives one handle to two accounts, so a public actor whose
    handle is taken gets a suffix (on another platform the same handle stays: that
    collision is what a known handle without a platform cannot tell apart). The known
    handles are written as rosters do: bare (``budisantoso``, ``@budisantoso``), with a
    platform prefix, as a profile URL, or naming another platform than the one the
    account was seen on (people reuse a handle; the roster lists the one the office knew).
    """
    taken: set[tuple[str, str]] = set()
    for a in actors:                      # employees' accounts come first: they keep their handle
        h = a.handle or ""
        if a.platform == "mastodon":
            host = rng.choice(MASTODON_HOSTS)
            u, tries = h, 0
            while ("mastodon", f"{u.lower()}@{host}") in taken:
                tries += 1                    # a popular name: longer suffixes until one is free
                u = f"{h}{rng.randint(1, 99 * tries * tries)}"
            a.handle = f"{u}@{host}"
            taken.add(("mastodon", a.handle.lower()))
            continue
        if a.platform == "bluesky":
            h = h.lower()
        tries = 0
        while (a.platform, h.lower()) in taken:
            tries += 1
            h = f"{a.handle}{rng.choice(['_', '.', ''])}{rng.randint(1, 99 * tries * tries)}"
        taken.add((a.platform, h.lower()))
        a.handle = {"bluesky": f"{h}.bsky.social", "youtube": f"@{h}"}.get(a.platform, h)
    others = ["instagram", "x", "tiktok", "facebook", "youtube"]
    for ei, ai in listed:
        a = actors[ai]
        p = a.platform
        h = a.handle.lstrip("@")
        u, _, host = h.partition("@")
        if p == "bluesky":
            u = h[: -len(".bsky.social")]
        r = rng.random()
        if r < 0.35 or p == "web" or KNOWN_BARE_ONLY:     # bare: no platform
            form = rng.choice(["{u}", "@{u}"])
        elif r < 0.65:
            form = rng.choice(PREFIX_FORMS[p])
        elif r < 0.88:
            form = rng.choice(URL_FORMS[p])
        else:
            # the roster lists the same handle on another platform: one where it is this
            # employee's (a platform gives a handle to one account), so it is reserved there
            free = [o for o in others if o != a.platform and (o, u.lower()) not in taken]
            if free:
                p = rng.choice(free)
                taken.add((p, u.lower()))
                h = u
                form = rng.choice(PREFIX_FORMS[p] + URL_FORMS[p])
            else:
                form = "{u}"
        employees[ei].handles = [form.format(h=h, u=u, host=host)]


def normalise_written(name: str) -> list[str]:
    """The name words as written in the roster, titles removed (keeps the roster's spelling)."""
    main = name.split(",")[0].split()
    out = [w for w in main if w.strip(".").lower() not in {"drs", "dra", "dr", "ir", "h", "hj", "prof"}]
    return [w.capitalize() for w in out] or main

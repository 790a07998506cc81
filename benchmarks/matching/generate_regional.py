"""A second, independent labelled set: regional naming, call names, other handle habits.

Written apart from ``generate.py`` (no list or rule is shared) and before any tuning, to
judge the matcher on a world it was not designed on. Two profiles with their own seed:

- ``java``: a national mix weighted to Java (Javanese, Sundanese), with Chinese-Indonesian
  and Arabic names; a ministry-and-school org chart (Kemenag, KUA, MTsN, Puskesmas);
- ``outer``: Sumatra, Sulawesi and Bali weighted (Batak with marga and ``br.``, Minang with
  ``Dt.``, Bugis with ``Andi``/``La``/``Daeng``, Balinese caste and birth-order names);
  a provincial org chart; more namesakes and more accounts without a display name.

What the employees' own accounts do (tags in ``Dataset.tags``, reported per tag):

- ``call_name``: the display name or handle uses a call name (Yanto for Heryanto,
  Tini for Kartini, Ucok, Daeng Ngai, Bli Made), often with an honorific (Pak, Bu,
  Mas, Kang, Bang, Uda, Daeng, Bli);
- ``reversed``: the name parts in another order (Siregar Togar, simatupang.rina);
- ``typo``: a letter dropped, doubled or swapped in the handle;
- ``old_spelling``: old spelling on the roster side or on the account side;
- ``mononym``: a one-word roster name;
- ``no_display``: no display name at all (TikTok/YouTube habits);
- ``affix``: a prefix or suffix around the name in the handle (``official.``, ``pak_``,
  ``_real``, ``.id``, ``kang``);
- ``name_only``: nothing but the name links the account (no digits, no unit words).

The public draws from the same name model, with namesakes (exact copies of employees'
names), partial namesakes (the same call name, the same marga) and brands.
"""

from __future__ import annotations

import random

from generate import Dataset

from pantau.matching.normalize import VERSION, normalise
from storage.records import Actor, Employee

PROFILES = {
    "java": dict(seed=40433, employee_share=0.05, namesake_share=0.03, brand_share=0.10, duplicate_share=0.03,
                 known_handle_share=0.005, no_display=0.12,
                 regions={"javanese": 0.42, "sundanese": 0.18, "chinese": 0.10, "arabic": 0.12, "batak": 0.05,
                          "minang": 0.04, "bugis": 0.03, "balinese": 0.06}),
    "outer": dict(seed=77017, employee_share=0.04, namesake_share=0.06, brand_share=0.14, duplicate_share=0.04,
                  known_handle_share=0.01, no_display=0.20,
                  regions={"javanese": 0.15, "sundanese": 0.05, "chinese": 0.06, "arabic": 0.08, "batak": 0.22,
                           "minang": 0.16, "bugis": 0.14, "balinese": 0.14}),
}

# -- name model: each region gives (given names, family names, how a full name is built) --------------------
JAV_M = ("Suparman Sugiyanto Heryanto Suryanto Mulyono Sutarno Purwanto Wahyudi Bambang Joko Slamet Sutrisno "
         "Haryadi Sukamto Rahmanto Prasetyo Widodo Kuncoro Sudarmaji Triyono Darmanto Eko Budi Agung Gatot "
         "Sumarsono Hartono Setyo Bowo Subagyo Margono Ngadino Pardi Tukijo Warsito Kasno Giyono").split()
JAV_F = ("Sulastri Kartini Suhartini Sumiyati Endang Sri Tri Wahyuningsih Lestari Rahayu Sumarni Wartini "
         "Suprihatin Ngatiyem Puji Retno Setyowati Dwi Astuti Kusumawati Rukmini Sukarsih Tumini Parmi "
         "Sunarti Widayati Handayani Yuliastuti Mujiati").split()
JAV_FAM = ("Wibisono Hadiwijoyo Notonegoro Sasmito Kusumo Pranoto Martono Sosrodiharjo Atmojo Purnomo Sudarsono "
           "Cahyono Nugroho Santoso Raharjo Wicaksono Susilo Setiadi Mangunkusumo Prawiro").split()
SUN_M = "Asep Ujang Cecep Dadang Yayat Dede Engkos Jajang Ade Aep Deden Ruhiyat Endang Iwan Wawan Yana".split()
SUN_F = "Euis Neneng Iis Imas Enok Ai Yeti Popon Nining Cucu Elis Tati Nenden Rina".split()
SUN_FAM = "Sudrajat Hermawan Supriatna Sumpena Kurniadi Rusmana Permana Suryana Mulyana Sutisna Hidayat".split()
CHI_GIVEN_M = "Hendra Ferry Budi Handoko Yohanes Kevin Andreas Michael Gunawan Sugianto Hartono Tjandra".split()
CHI_GIVEN_F = "Linda Lily Melinda Fransiska Jessica Yulia Lanny Susanti Veronica Christine Meiliana".split()
CHI_FAM = "Wijaya Halim Tanoto Gunadi Salim Kusnadi Tanuwijaya Sutanto Lim Tan Widjaja Hartanto Chandra".split()
ARA_M = ("Abdurrahman Fauzan Habib Hasyim Zulkarnain Syarifuddin Fahri Ridwan Ilyas Mansur Nasrullah Hamzah "
         "Muhammad Ahmad Abdul Umar Usman Faisal Luthfi").split()
ARA_F = "Syarifah Aisyah Fatimah Zahra Khadijah Halimah Nurul Siti Maryam Rahmah Hafsah Zulaikha".split()
ARA_FAM = "Alhabsyi Assegaf Alatas Shahab Bafadal Baswedan Alaydrus Bahasuan Alkaff Hidayatullah Rahman".split()
BAT_M = "Togar Hotman Parlindungan Binsar Maruli Saut Poltak Tigor Bonar Sahat Ronald Jonner Manahan".split()
BAT_F = "Rosmawati Tiurma Romauli Lamtiar Hotnida Saurma Rumondang Duma Nurhayati Rosdiana".split()
BAT_MARGA = ("Siregar Simatupang Hutagalung Sitompul Panggabean Hutapea Simanjuntak Pardede Sianturi Napitupulu "
             "Silalahi Situmorang Nainggolan Lumbantobing Sirait Manullang Gultom Sihotang").split()
MIN_M = "Afrizal Syafrudin Zulkifli Yusrizal Erizal Dasril Nofrizal Asrul Jasman Masrul Yulnefri Hendri".split()
MIN_F = "Yulfitri Erni Yusnaini Nurhasni Rosmaini Desmawati Elfira Yenni Syafrida Fitriani".split()
MIN_SUKU = "Chaniago Koto Piliang Tanjung Sikumbang Jambak Caniago Guci Melayu Panai".split()
BUG_M = "Arsyad Syamsuddin Baharuddin Muhlis Amiruddin Jufri Nasrun Rusdi Hasanuddin Akbar Irwan Ilham".split()
BUG_F = "Hasnawati Nurhayati Haslinda Suriani Hartati Jumiati Rosdiana Nurjannah Sumarni Husnah".split()
BUG_FAM = "Mappanyukki Pawelloi Daeng Sompa Latief Mattalitti Makkasau Pananrangi Bintang Tanra".split()
BAL_ORDER = ["Wayan", "Putu", "Gede", "Made", "Kadek", "Nengah", "Nyoman", "Komang", "Ketut"]
BAL_NAME = ("Sudiarta Wirawan Suarjana Astawa Mertayasa Adnyana Sukadana Darmayasa Sutama Widiana Parwata "
            "Suryawan Ariasa Sumerta Kariasa Suastini Ariyani Sukmawati Widiastuti Purnamasari").split()
BAL_CASTE_M = ["I Gusti Ngurah", "Ida Bagus", "Anak Agung", "I Gusti Bagus", "Cokorda"]
BAL_CASTE_F = ["I Gusti Ayu", "Ida Ayu", "Anak Agung Ayu", "Desak"]

HONORIFIC = {"javanese": ("Mas", "Pak", "Mbak", "Bu"), "sundanese": ("Kang", "Pak", "Teh", "Ceu"),
             "chinese": ("Ko", "Pak", "Ci", "Bu"), "arabic": ("Ustadz", "Pak", "Ustadzah", "Umi"),
             "batak": ("Bang", "Pak", "Kak", "Inang"), "minang": ("Uda", "Pak", "Uni", "Bu"),
             "bugis": ("Daeng", "Pak", "Andi", "Bu"), "balinese": ("Bli", "Pak", "Gek", "Bu")}
OLD = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("kh", "ch")]

UNITS_JAVA = [("Kantor Urusan Agama Kecamatan {r}", "Penghulu"), ("MTsN {n} {r}", "Guru"),
              ("MAN {n} {r}", "Guru"), ("Kantor Kementerian Agama Kabupaten {r}", "Penyuluh Agama"),
              ("Puskesmas {r}", "Bidan"), ("RSUD {r}", "Apoteker"), ("SDN {r} {n}", "Guru Kelas"),
              ("Dinas PUPR Kabupaten {r}", "Teknik Pengairan"), ("Kelurahan {r}", "Lurah"),
              ("Dinas Perdagangan Kabupaten {r}", "Pengawas Perdagangan"), ("BPKAD Kabupaten {r}", "Bendahara")]
UNITS_OUTER = [("Dinas Pendidikan Provinsi", "Pengawas Sekolah"), ("SMAN {n} {r}", "Guru"),
               ("Dinas Kelautan dan Perikanan", "Penyuluh Perikanan"), ("RSUD {r}", "Perawat"),
               ("Badan Pendapatan Daerah", "Pemeriksa Pajak"), ("Biro Umum Setda Provinsi", "Protokol"),
               ("Dinas Perkebunan", "Penyuluh Perkebunan"), ("Dinas Pariwisata", "Pemandu"),
               ("Kantor Camat {r}", "Sekretaris Camat"), ("Puskesmas {r}", "Sanitarian")]
REG_JAVA = "Garut Tasikmalaya Ciamis Cianjur Sumedang Kuningan Majalengka Indramayu Cirebon Tuban Lamongan Jombang Kediri Blitar Madiun Ngawi Ponorogo Pacitan Lumajang Jember".split()
REG_OUTER = "Tapanuli Toba Samosir Sibolga Padangsidimpuan Agam Solok Pariaman Bukittinggi Bone Wajo Soppeng Sidrap Pinrang Gowa Maros Gianyar Tabanan Buleleng Karangasem Klungkung".split()
FRONT = ["Drs.", "Dra.", "H.", "Hj.", "Ir.", "dr.", "Ns.", "Dt.", "K.H.", "Ust."]
BACK = ["S.Pd.I", "S.Ag", "M.Pd.I", "S.H.I", "S.Kep", "A.Md.Keb", "S.Farm., Apt", "S.T.", "M.T.", "S.Pi",
        "S.P.", "M.Si", "SE, MM", "S.Kom", "S.Sos, M.AP", "A.Ma.Pd", "S.KM", "Lc", "M.A."]
BRANDS = ["{w} {r} Official", "Olshop {w}", "{r} Hari Ini", "Jasa {w} {r}", "Grup {w}", "Fanbase {w}",
          "Admin {r}", "{w}_{r}", "Kuliner {r}", "Sedekah {w}"]
BRAND_WORDS = "Amanah Cahaya Rezeki Harapan Bersatu Hijrah Sakinah Mantap Juara Nusa Bumi Lestari".split()


def _pick(rng: random.Random, pool: list[str], skew: float = 0.4) -> str:
    """Skewed pick: early entries are more common (real name lists are head-heavy)."""
    i = int(len(pool) * (rng.random() ** (1 + skew)))
    return pool[min(i, len(pool) - 1)]


_DIGRAPHS = ("ng", "ny", "kh", "sy", "dj", "tj", "ch")


def syllables(word: str) -> list[str]:
    """Indonesian syllables, roughly: a boundary before a consonant that a vowel follows
    (ha-ri, har-to, su-par-man), digraphs kept whole (ba-ngun)."""
    w = word.lower()
    units, i = [], 0
    while i < len(w):
        step = 2 if w[i:i + 2] in _DIGRAPHS else 1
        units.append(w[i:i + step])
        i += step
    vowel = [u[-1] in "aeiou" for u in units]
    out, cur, seen_vowel = [], "", False
    for k, u in enumerate(units):
        if not vowel[k] and seen_vowel and k + 1 < len(units) and vowel[k + 1]:
            out.append(cur)
            cur, seen_vowel = "", False
        cur += u
        seen_vowel |= vowel[k]
    if cur:
        out.append(cur)
    return out


def call_name(rng: random.Random, given: str, region: str) -> str:
    """How friends call a person: the last two syllables (Heryanto -> Yanto, Kartini -> Tini),
    the first two (Fransiska -> Fransis? no: Siska by the last two), the name without its
    first syllable (Suparman -> Parman), or a regional pet name (Ucok, Butet)."""
    if region == "batak" and rng.random() < 0.15:
        return rng.choice(["Ucok", "Butet", "Tigor"])
    syl = syllables(given)
    if len(syl) <= 2:
        return given
    r = rng.random()
    if r < 0.55:
        return "".join(syl[-2:]).capitalize()
    if r < 0.8:
        return "".join(syl[1:]).capitalize()
    return "".join(syl[:2]).capitalize()


# synthetic given names from each region's own building blocks: real rosters repeat a few
# names and carry a long tail of rare ones
SYN = {
    "javanese": (("Su Sar Har Pur Wi Ngadi Kar Sup Mar Tu Pa Dar War Sis Tri Ru Ra Se Ji Gi Ka Wa".split(),
                  "_ ri ya ma to di ja na wi".split()),
                 ("yanto tono mono man jo no di wo san min rno pto gito rjo".split(),
                  "ni ti yem sih tun yati wati ningsih rah nah sri rti".split())),
    "sundanese": (("De Ju Ki Ya Ro Ma Du Eng Ce Na Ta Ha Dud Ru Ha Di".split(), "_ la ra ya".split()),
                  ("dang jang cep yat din man hyat kos ri".split(), "nah tin yah ngsih nih rah ti cih".split())),
    "chinese": (("Li Fe Han Yo Wi Su Ha Ro Je Ste Ju Me Ve Lu".split(), "_ na di ".split()),
                ("ndra ry ko nathan liam fen gianto dy".split(), "na lia lina dy ni ana wati".split())),
    "arabic": (("Ab Fa Ha Mu Na Sya Zu Ri Ru Ja Ka Sa Lu Ma".split(), "_ ri sy ki di ha".split()),
               ("hri zan dillah rudin fuddin qi sir man lul dar".split(), "rah dah ilah imah ifah yah nah ra".split())),
    "batak": (("Ma To Bin Sa Ho Pa Ju Ri Lam Ti Ro Da Mar Be".split(), "_ ru lin nga".split()),
              ("gar man sar dut hap tua nar ngan".split(), "ria uli tiar ida rma ati ida".split())),
    "minang": (("Yul Des Nof Af Er Zul Mas Jas Sya El Yus Ri Ed Ar".split(), "_ ri ni".split()),
               ("rizal nefri wardi hendri man ril dison yanto".split(), "mawati naini rida fitri nis neti wita".split())),
    "bugis": (("Bah Sy Ha Am Ju Nas Ru Mu Ir As Ar Ac".split(), "_ ar sa a".split()),
              ("ruddin uddin fri run di mad wan lis".split(), "wati nah rah lia ani ati ina".split())),
    "balinese": (("Su Ar Wi Ad Pa Mer Da Ka Sa Pu Ar".split(), "_ ar ta ya".split()),
                 ("ta tha yasa dana wan wira diana sa".split(), "tini ni wati yani tari sari".split())),
}


def synthetic(rng: random.Random, region: str, female: bool) -> str:
    (pre, mid), (end_m, end_f) = SYN[region][0], SYN[region][1]
    m = rng.choice(mid)
    extra = rng.choice(_EXTRA)
    return (rng.choice(pre) + ("" if m == "_" else m) + extra + rng.choice(end_f if female else end_m)).capitalize()


_EXTRA = [""] * 6 + "ri na wa la sa di ya ma ti ra ha ka".split()


def _given(rng: random.Random, region: str, female: bool, pool: list[str]) -> str:
    return synthetic(rng, region, female) if rng.random() < 0.7 else _pick(rng, pool)


def regional_name(rng: random.Random, region: str, female: bool) -> list[str]:
    if region == "javanese":
        if rng.random() < 0.28:
            return [_given(rng, region, female, JAV_F if female else JAV_M)]   # mononym
        toks = [_given(rng, region, female, JAV_F if female else JAV_M)]
        if rng.random() < 0.5:
            toks.append(_pick(rng, JAV_F if female else JAV_M))
        if rng.random() < 0.45:
            toks.append(_pick(rng, JAV_FAM))
        return toks
    if region == "sundanese":
        toks = [_given(rng, region, female, SUN_F if female else SUN_M)]
        if rng.random() < 0.7:
            toks.append(_pick(rng, SUN_FAM))
        return toks
    if region == "chinese":
        toks = [_given(rng, region, female, CHI_GIVEN_F if female else CHI_GIVEN_M)]
        if rng.random() < 0.3:
            toks.append(_pick(rng, CHI_GIVEN_F if female else CHI_GIVEN_M))
        toks.append(_pick(rng, CHI_FAM))
        return toks
    if region == "arabic":
        toks = [_given(rng, region, female, ARA_F if female else ARA_M)]
        if toks[0] in ("Muhammad", "Ahmad", "Abdul", "Siti", "Nurul") or rng.random() < 0.4:
            toks.append(_pick(rng, ARA_F if female else ARA_M))
        if rng.random() < 0.5:
            toks.append(_pick(rng, ARA_FAM))
        return toks
    if region == "batak":
        toks = [_given(rng, region, female, BAT_F if female else BAT_M)]
        if rng.random() < 0.3:
            toks.append(_pick(rng, BAT_F if female else BAT_M))
        return toks + (["br."] if female and rng.random() < 0.5 else []) + [_pick(rng, BAT_MARGA)]
    if region == "minang":
        toks = [_given(rng, region, female, MIN_F if female else MIN_M)]
        if rng.random() < 0.25:
            toks.append(_given(rng, region, female, MIN_F if female else MIN_M))
        if rng.random() < 0.35:
            toks.append(_pick(rng, MIN_SUKU))
        return toks
    if region == "bugis":
        toks = []
        r = rng.random()
        if r < 0.25:
            toks.append("Andi")
        elif r < 0.35 and not female:
            toks.append("La")
        toks.append(_given(rng, region, female, BUG_F if female else BUG_M))
        if rng.random() < 0.4:
            toks.append(_pick(rng, BUG_FAM))
        return toks
    # balinese
    caste = rng.random()
    if caste < 0.15:
        pre = rng.choice(BAL_CASTE_F if female else BAL_CASTE_M).split()
    else:
        pre = ["Ni", "Luh"] if female and rng.random() < 0.5 else (["Ni"] if female else ["I"])
        pre += [_pick(rng, BAL_ORDER, 0.3)]
    return pre + [_given(rng, region, female, BAL_NAME)]


def _old(rng: random.Random, word: str) -> str:
    low = word.lower()
    for new, old in OLD:
        if new in low and rng.random() < 0.7:
            return low.replace(new, old).capitalize()
    return word


def _modern(word: str) -> str:
    low = word.lower()
    for new, old in OLD[:3]:
        low = low.replace(old, new)
    return low.capitalize()


def _typo(rng: random.Random, s: str) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 6:
        return s
    i = rng.choice(letters[1:-1])
    r = rng.random()
    if r < 0.35:
        return s[:i] + s[i + 1:]                          # dropped
    if r < 0.7:
        return s[:i] + s[i] + s[i:]                       # doubled
    if i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]        # swapped
    return s[:i] + rng.choice("aiueo") + s[i + 1:]


def _region_of(rng: random.Random, regions: dict[str, float]) -> str:
    x, acc = rng.random(), 0.0
    for k, p in regions.items():
        acc += p
        if x < acc:
            return k
    return next(iter(regions))


def _given_index(toks: list[str]) -> int:
    skip = {"i", "ni", "luh", "andi", "la", "br.", "ida", "bagus", "ayu", "anak", "agung", "gusti", "ngurah",
            "desak", "cokorda"} | {b.lower() for b in BAL_ORDER}
    for i, t in enumerate(toks):
        if t.lower() not in skip:
            return i
    return 0


def generate(n_employees: int, n_actors: int, profile: str = "java") -> Dataset:
    P = PROFILES[profile]
    rng = random.Random(P["seed"])
    units, regs = (UNITS_JAVA, REG_JAVA) if profile == "java" else (UNITS_OUTER, REG_OUTER)
    employees: list[Employee] = []
    people: list[tuple[list[str], str, bool]] = []        # tokens as born, region, female
    nips: set[str] = set()
    for i in range(n_employees):
        female = rng.random() < 0.52
        region = _region_of(rng, P["regions"])
        if employees and rng.random() < P["duplicate_share"]:
            toks, region, female = people[rng.randrange(len(people))]
        else:
            toks = regional_name(rng, region, female)
        year = rng.randint(1960, 2001)
        written = list(toks)
        if year < 1975 and rng.random() < 0.45:
            written = [_old(rng, t) for t in written]                    # the roster keeps the old spelling
        if written[0] in ("Muhammad", "Ahmad", "Abdul") and rng.random() < 0.5:
            written[0] = {"Muhammad": rng.choice(["Moch.", "Mhd.", "Muh.", "M."]), "Ahmad": "Achmad",
                          "Abdul": "Abd."}[written[0]]
        name = " ".join(written)
        if rng.random() < 0.25:
            name = rng.choice(FRONT) + " " + name
        if rng.random() < 0.55:
            name += ", " + rng.choice(BACK)
        if rng.random() < 0.4:
            name = name.upper()
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        while True:
            nip = f"{year:04d}{m:02d}{d:02d}{min(year + rng.randint(19, 32), 2024):04d}{rng.randint(1, 12):02d}" \
                  f"{2 if female else 1}{rng.randint(1, 999):03d}"
            if nip not in nips:
                break
        nips.add(nip)
        unit, pos = rng.choice(units)
        unit = unit.format(n=rng.randint(1, 9), r=rng.choice(regs))
        n = normalise(name)
        employees.append(Employee(nip=nip, name=name, name_norm=n.text, norm_version=VERSION, titles=n.titles,
                                  unit=unit, position=pos, birth_date=f"{nip[:4]}-{nip[4:6]}-{nip[6:8]}",
                                  source="bench-regional"))
        people.append((toks, region, female))
    platforms = ["instagram", "tiktok", "x", "facebook", "youtube", "mastodon", "bluesky", "web"]
    plat_w = [0.3, 0.25, 0.15, 0.12, 0.08, 0.04, 0.03, 0.03]
    n_emp = min(int(round(n_actors * P["employee_share"])), n_employees)
    chosen = rng.sample(range(n_employees), n_emp)
    actors: list[Actor] = []
    truth: dict[int, str] = {}
    tags: dict[int, set[str]] = {}
    known_p = min(1.0, P["known_handle_share"] * n_employees / max(n_emp, 1))
    taken: set[tuple[str, str]] = set()
    for ei in chosen:
        e = employees[ei]
        toks, region, female = people[ei]
        plat = rng.choices(platforms, plat_w)[0]
        t: set[str] = set()
        clean = [x for x in toks if x != "br."]
        if len(clean) == 1:
            t.add("mononym")
        if any(w.lower() != _modern(w).lower() for w in e.name.split(",")[0].split()):
            t.add("old_spelling")
        gi = _given_index(clean)
        given = clean[gi]
        call = call_name(rng, given, region)
        family = clean[-1] if len(clean) > gi + 1 else ""
        hon = HONORIFIC[region][2 if female else 0] if rng.random() < 0.5 else HONORIFIC[region][3 if female else 1]
        # display name
        r = rng.random()
        if r < P["no_display"]:
            display = None
            t.add("no_display")
        elif r < P["no_display"] + 0.18:
            display = " ".join(clean)
        elif r < P["no_display"] + 0.36 and call.lower() != given.lower():
            display = rng.choice([f"{hon} {call}", f"{call} {family}".strip(), call, f"{call} {e.unit.split()[-1]}"])
            t.add("call_name")
        elif r < P["no_display"] + 0.44 and len(clean) >= 2:
            display = " ".join([clean[-1]] + clean[:-1])
            t.add("reversed")
        elif r < P["no_display"] + 0.52:
            display = " ".join(_old(rng, w) if rng.random() < 0.6 else w for w in clean)
            if display != " ".join(clean):
                t.add("old_spelling")
        elif r < P["no_display"] + 0.60:
            display = f"{hon} {given}" + (f" {family}" if family and rng.random() < 0.5 else "")
        elif r < P["no_display"] + 0.70:
            display = e.name.title() if e.name.isupper() else e.name
        elif r < P["no_display"] + 0.78:
            display = " ".join(clean).lower() + rng.choice([" 🌸", " ✨", " 🇮🇩", "", " (akun pribadi)"])
        else:
            display = " ".join(clean[gi:])
        # handle
        words = [_modern(w).lower().replace(".", "") for w in clean]
        base_words = words[gi:] or words
        hr = rng.random()
        if "call_name" in t and rng.random() < 0.6:
            core = call.lower() + rng.choice(["", "_", "."]) + (family.lower() if family and rng.random() < 0.5 else "")
        elif hr < 0.25:
            core = rng.choice(["", ".", "_"]).join(base_words)
        elif hr < 0.37 and len(base_words) >= 2:
            core = base_words[-1] + rng.choice(["", ".", "_"]) + base_words[0]
            t.add("reversed")
        elif hr < 0.50:
            core = _typo(rng, "".join(base_words))
            if core != "".join(base_words):
                t.add("typo")
        elif hr < 0.66:
            pre, suf = rng.choice([("official.", ""), ("pak_", ""), ("bu.", ""), ("", "_real"), ("", ".id"),
                                   ("its", ""), ("", "_official"), ("kang", ""), ("bang_", ""), ("", "_ofc"),
                                   ("the.", ""), ("", "channel"), ("", "_tv")])
            core = pre + "".join(base_words[:2]) + suf
            t.add("affix")
        elif hr < 0.76 and len(base_words) >= 2:
            core = base_words[0][0] + base_words[-1]
        else:
            core = base_words[0] + (base_words[-1][:3] if len(base_words) > 1 else "")
        digits = ""
        if rng.random() < 0.22:
            y, mm, dd = e.nip[2:4], e.nip[4:6], e.nip[6:8]
            digits = rng.choice([y, e.nip[:4], dd + mm])
        elif rng.random() < 0.3:
            digits = str(rng.randint(1, 999))
        handle = core + digits
        while (plat, handle.lower()) in taken:
            handle = f"{core}{rng.randint(1, 9999)}"
        taken.add((plat, handle.lower()))
        bio = None
        if rng.random() < 0.18:
            bio = rng.choice([f"{e.position} {e.unit}", f"ASN {e.unit.split()[-1]}", f"Abdi negara | {e.position}",
                              "Bismillah", "Hidup itu indah"])
        if not bio and not digits:
            t.add("name_only")
        if not e.handles and rng.random() < known_p:
            e.handles = [rng.choice(["{h}", "@{h}", f"{plat}: {{h}}"]).format(h=handle)]
        idx = len(actors)
        actors.append(Actor(platform=plat, actor_key=f"e{ei}", handle=f"@{handle}" if plat == "youtube" else handle,
                            display_name=display, bio=bio))
        truth[idx] = e.nip
        tags[idx] = t
    emp_names = {e.name_norm for e in employees}
    n_public = n_actors - len(actors)
    namesakes = 0
    for j in range(n_public):
        plat = rng.choices(platforms, plat_w)[0]
        if rng.random() < P["brand_share"]:
            disp = rng.choice(BRANDS).format(w=rng.choice(BRAND_WORDS), r=rng.choice(regs))
            handle = disp.lower().replace(" ", rng.choice(["", "_", "."]))
        else:
            female = rng.random() < 0.52
            region = _region_of(rng, P["regions"])
            if rng.random() < P["namesake_share"]:
                toks, region, female = people[rng.randrange(len(people))]      # an exact namesake
            else:
                toks = regional_name(rng, region, female)
            clean = [x for x in toks if x != "br."]
            gi = _given_index(clean)
            rr = rng.random()
            if rr < 0.5:
                disp = " ".join(clean)
            elif rr < 0.62:
                disp = call_name(rng, clean[gi], region)
            elif rr < 0.72:
                disp = f"{HONORIFIC[region][1]} {clean[gi]}"
            elif rr < 0.72 + P["no_display"]:
                disp = None
            else:
                disp = " ".join(clean).upper()
            words = [w.lower().replace(".", "") for w in clean[gi:]] or ["user"]
            hr = rng.random()
            if hr < 0.4:
                handle = rng.choice(["", ".", "_"]).join(words)
            elif hr < 0.6:
                handle = words[0] + str(rng.randint(1, 99))
            elif hr < 0.75 and len(words) > 1:
                handle = words[-1] + words[0]
            else:
                handle = rng.choice(["real", "its", "mr", "", ""]) + words[0] + rng.choice(["", "_id", "99", "_"])
            if normalise(" ".join(clean)).text in emp_names:
                namesakes += 1
        while (plat, handle.lower()) in taken:
            handle = f"{handle}{rng.randint(1, 999)}"
        taken.add((plat, handle.lower()))
        actors.append(Actor(platform=plat, actor_key=f"p{j}", handle=f"@{handle}" if plat == "youtube" else handle,
                            display_name=disp, bio=rng.choice([None, None, "Suka jalan-jalan", "Wiraswasta",
                                                               f"Warga {rng.choice(regs)}", "Honorer"])))
    order = list(range(len(actors)))
    rng.shuffle(order)
    pos = {old: new for new, old in enumerate(order)}
    return Dataset(employees=employees, actors=[actors[i] for i in order],
                   truth={pos[k]: v for k, v in truth.items()}, tags={pos[k]: v for k, v in tags.items()},
                   namesakes=namesakes, public=n_public,
                   params={"generator": f"regional/{profile}", **{k: v for k, v in P.items() if k != "regions"},
                           "employees": n_employees, "actors": n_actors})

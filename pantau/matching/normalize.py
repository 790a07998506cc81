"""Indonesian name normalisation: one canonical spelling per name, titles kept apart.

The canonical text is what blocking and comparison work on, so two spellings of
one name (``Drs. H. Moch. Djoko Soeharto, M.Si.`` and ``Muhammad Joko Suharto``)
must land on the same tokens. Rules, in order, each idempotent:

1. Unicode folding: NFKC, then ``anyascii`` for what NFKC leaves (styled fonts,
   small caps, enclosed letters); emoji and flags are dropped, not spelled out.
2. Titles: back titles after the first comma, or trailing tokens from a closed list
   (an ALL-CAPS roster must not lose ``SUTRISNO`` to a pattern); front titles
   from a closed list. Titles are returned as features, not thrown away.
3. Abbreviations: ``Moh./Moch./Muh./Mhd.`` -> muhammad, ``Abd.`` -> abdul, ``St.`` -> siti.
4. Old spellings (EYD): oe->u, dj->j, tj->c, sj/sy->s, nj->ny, ch/kh->h, dh->d,
   th->t, q->k, ph->f, ae->ai, ie->i, final y->i, doubled letters collapsed.
   ``j -> y`` is *not* applied (Joko is not Yoko): ``variant_key`` gives that form
   as an alternative key instead, with the other spellings one name takes (ty/ti, f/p, a
   final h, Javanese o/a).
5. Merged compounds: Abdurrahman -> abdul rahman, Nurhaliza -> nur haliza.
6. Variant families (Muhammad, Ahmad, Yusuf, Nur, Rizki, ...) -> one spelling.

``VERSION`` is stored next to every normalised roster name; bump it whenever a
rule changes so stored names are recomputed (``pantau match`` does this).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii

VERSION = "8"

# Front titles (closed list, compact lower-case form). Ambiguous one-letter ones
# (h = Haji or an initial, r = Raden or an initial) count as titles only when at
# least two name tokens follow.
FRONT_TITLES = {
    "prof", "dr", "drg", "drh", "drs", "dra", "ir", "hj", "kh", "ns", "apt", "bd", "ust", "ustadz",
    "ustaz", "pdt", "tgk", "dt", "raden", "ra", "rm", "ray", "haji", "hajjah", "ustadzah",
    # forms of address people put in display names
    "pak", "bapak", "bu", "ibu", "mas", "mbak", "kak", "bang", "abang", "om", "tante", "cak", "kang", "teh",
    "ayah", "bunda", "mama", "papa", "abah", "umi", "ummi", "abi", "mami", "papi", "eyang", "mbah", "opa", "oma",
    # regional forms of address (Bali, Minang, Sunda, Chinese-Indonesian, Java)
    "bli", "gek", "uda", "uni", "ceu", "ko", "koh", "ci", "cik", "mbok", "ning", "inang", "ito",
    # ... and as letters and forms write them: Bpk., Sdr., Sdri., Ny. (Nyonya), Nn. (Nona), Tn. (Tuan)
    "bpk", "sdr", "sdri", "ny", "nj", "nn", "tn",
    # religious and family ones (normaliser 5); not Gus, Habib or Neng, which are names or
    # call names too (Gus for Agus)
    "ners", "buya", "kyai", "kiai", "kiyai", "tgh", "syekh", "syeikh", "syaikh", "romo", "pastor", "pendeta",
    "pakde", "pakdhe", "bude", "budhe", "paklik", "paklek", "bulik", "bulek", "opung", "ompung", "emak", "teteh",
    "akang", "mba", "encik",
    # ... and more of them (normaliser 6): parents and elders as families call them, younger
    # ones, Betawi and Sundanese forms; not Cici, Amang, Adek, Adik or Nyai, which are names too
    "mamah", "papah", "ambu", "mak", "wak", "uwak", "mpok", "engkong", "euceu", "kakak", "dek",
    # ... (normaliser 7) Hajjah and Ustadzah as often written, Acehnese Teungku spelled out, Sundanese Nyi
    "hjh", "ustad", "ustazah", "ustadah", "teungku", "nyi",
    # offices people are addressed by, in front (Pak Camat H. Budi, Kades Bu Sri); after the name
    # they are service words (``index.SERVICE_WORDS``)
    "camat", "lurah", "kades", "sekdes", "kadus", "kepsek",
    # ... (normaliser 8) more forms of address: Sundanese Mang, Enin; Javanese Nduk, Ibuk, Mbakyu;
    # Betawi Babe; Minang Etek; Bung; elders; the Bugis and Makassar nobility's Puang, Karaeng,
    # Petta, Opu; Balinese Jro, Pemangku; Mommy, Miss. Not Lek, Lik, Den, Aki, Ajo, Paman, Jero,
    # Mangku: names or the spelling of names too (Liek, Akie, Adjo, Dhen; Made Mangku Pastika)
    "mang", "enin", "nduk", "ibuk", "mbakyu", "babe", "etek", "bung", "kakek", "nenek", "puang", "karaeng",
    "petta", "opu", "jro", "pemangku", "mommy", "miss",
}
# A word the spelling rules turn into a listed title is one too (Boedhe, Lurrah, Kyaai): else a
# second reading would take what the first kept.
FRONT_AMBIGUOUS = {"h", "r", "t"}
_AFTER_ADDRESS = {"rt", "rw"}      # offices only after a form of address: Pak RT Bang Ucok, not R.T. Hendra

# Back titles (compact: no dots, no spaces, lower case). Written with or without dots.
BACK_TITLES = {
    "ap", "ama", "amd", "amdkep", "amdkeb", "amdkes", "amdak", "amdkom", "amdt", "amdpjk", "amdgz",
    "amdfarm", "amdrad", "amdtlm", "spd", "spdi", "spdsd", "sag", "se", "sei", "sh", "shi", "ssos",
    "sip", "sikom", "skom", "st", "ssi", "ss", "shum", "spsi", "sked", "skm", "skep", "sfarm", "sgz",
    "sp", "spt", "spi", "shut", "stp", "sak", "sstp", "str", "strkep", "strkeb", "sthi", "sthi",
    "msi", "mm", "mpd", "mpdi", "mkes", "mkom", "mt", "mh", "mhum", "mag", "map", "mak", "msc",
    "ma", "mba", "me", "mp", "mkep", "phd", "gr", "ak", "cpa", "ssit", "sstr", "sst", "mkn",
    "mtr", "mars", "msp", "dr", "drs", "spog", "sppd", "spa", "spb", "spm", "sprad", "spkk", "sps",
    "spp", "spjp", "span", "spthtkl", "spkj", "spot", "spu", "spmk", "sppk", "spkfr", "mkm",
    "mmr", "mmkes", "mtp", "ssy", "sos", "ners", "bsc", "ba", "llm", "mbiomed", "mpdkons",
    "apt", "lc", "amapd", "amakep",
    # more degrees as SIASN rosters write them (normaliser 6): applied bachelors (S.Tr.Kes), health,
    # theology, arts, and masters' (M.Psi., M.I.Kom., M.Eng.)
    "strkes", "strip", "strsos", "strt", "strak", "strkom", "strgz", "strpar", "strpi", "skes", "skg",
    "sth", "mth", "sds", "ssn", "mpsi", "mikom", "macc", "mesy", "magr", "msos", "meng", "amdpk",
    "amdkl", "amdpar",
    # professional designations written after the degrees (normaliser 7): engineers' grades (IPP,
    # IPM, IPU), accountants' and auditors' certificates as inspectorates write them (CA, CMA,
    # CFA, CIA, QIA, CFrA, CGCAE, CISA), Psikolog and Konselor
    "ipp", "ipm", "ipu", "ca", "cma", "cfa", "cia", "qia", "cfra", "cgcae", "cisa", "psikolog", "kons",
    # ... and nurses' and midwives' after the degree (S.Kep., Ns.; S.Tr.Keb., Bd.; AMK)
    "ns", "bd", "amk",
}
# Back titles that are also plausible name tokens: removed only after a comma or when written with a dot.
BACK_NEEDS_DOT = {"ma", "me", "mp", "ss", "st", "sp", "ba", "ak", "gr", "mt", "mh", "sos", "map", "mars", "lc",
                  "meng", "mesy", "ca", "cia", "qia", "cisa", "cfa", "kons", "ns", "bd"}
# ... and those that are a degree written without dots (spd, amdkeb): what a handle may carry
DEGREES = frozenset(BACK_TITLES - BACK_NEEDS_DOT)

# Batak margas as North Sumatran names write them short, after the name: Hrp, Nst, Hsb (a closed
# list: in a handle three other consonants are as likely a person's initials, budi.hsw).
MARGA_SHORT = {"hrp", "nst", "hsb", "srg", "lbs", "rtg", "dly", "rkt", "mtd", "tbn", "pjt", "smjtk"}

# Abbreviations and variant families -> one canonical spelling. Keys are in the
# form the spelling rules produce (so 'mochammad' arrives as 'mohamad').
FAMILIES = {
    "muhamad": "muhamad", "mohamad": "muhamad", "muhamed": "muhamad", "mohamed": "muhamad",
    "mohd": "muhamad", "moh": "muhamad", "muh": "muhamad", "mhd": "muhamad", "muhd": "muhamad", "md": "muhamad",
    "mohamat": "muhamad", "muhamat": "muhamad", "mohammad": "muhamad", "mukhamad": "muhamad",
    "mokhamad": "muhamad", "muhamadh": "muhamad", "mochd": "muhamad", "mochamad": "muhamad",
    "ahmat": "ahmad", "akhmad": "ahmad", "achmad": "ahmad", "amad": "ahmad",
    "abd": "abdul", "abdoel": "abdul", "abdl": "abdul",
    "sitti": "siti",
    "nor": "nur", "nurul": "nurul",
    "jusuf": "yusuf", "josef": "yusuf", "yosef": "yusuf", "jusup": "yusuf", "yusup": "yusuf",
    "rizqi": "rizki", "risky": "rizki", "riski": "rizki", "rezki": "rizki", "rizkii": "rizki",
    "taufiq": "taufik", "topik": "taufik",
    "zaenal": "zainal", "jahja": "yahya", "jahya": "yahya", "jakub": "yakub", "jacub": "yakub",
    "jaka": "joko", "jono": "yono", "jani": "yani", "janto": "yanto", "jati": "yati",
    "iskandar": "iskandar", "ismail": "ismail",
}

# Letter rules applied to a whole lower-case ASCII token (or a run-together handle chunk).
# sy is read as s (Syarif; Sjasjdar = Syasydar, as old sj), but not in Syl- (Sylvia, Sylvester)
# nor as a final -sy (Desy = Desi). The
# rules hold anywhere in a word, as a run-together handle needs: a word-initial sh = s (Shinta =
# Sinta) or chr = kr (Christina = Kristina) would not be read inside "budichristina", and sh = s
# everywhere splits syllables (Mas-hadi, Sis-haman); measured, not kept.
_LETTER_RULES = [
    (re.compile(r"oe"), "u"), (re.compile(r"dj"), "j"), (re.compile(r"tj"), "c"),
    (re.compile(r"sj"), "s"), (re.compile(r"sy(?=[a-km-z])"), "s"),
    (re.compile(r"nj"), "ny"),
    (re.compile(r"ch"), "h"), (re.compile(r"kh"), "h"), (re.compile(r"dh"), "d"),
    (re.compile(r"th"), "t"), (re.compile(r"q"), "k"), (re.compile(r"ph"), "f"),
    (re.compile(r"ae"), "ai"), (re.compile(r"ie"), "i"), (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"(?<=[a-z]{2})y$"), "i"),
]
# any rule's letters anywhere in a word: most words have none, and ``spell`` then returns at once
# instead of running every rule (at city scale it ran a million substitutions on handles)
# (one rule only has a group, so its \1 still means its own letter)
_ANY_LETTER_RULE = re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in _LETTER_RULES))

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?\.?|[a-z]\.")
_COMPOUNDS = [
    # Arabic article assimilated: Abdurrahman, Abdussalam, Abdullatif -> abdul + rahman/salam/latif
    (re.compile(r"^abdu(?:l)?([bcdfghjklmnpqrstvwxyz])\1([a-z]{3,})$"), lambda m: ["abdul", m[1] + m[2]]),
    (re.compile(r"^abdul([a-z]{4,})$"), lambda m: ["abdul", m[1]]),
    (re.compile(r"^abdu([rsnzdt])([aeiou][a-z]{2,})$"), lambda m: ["abdul", m[1] + m[2]]),
    # ... and after other names (Fathurrahman, Habiburrahman, Fahrurrozi, Ainurrofiq, Nurrahmat):
    # people write them apart as often (Fathur Rahman), and with one r (Faturahman)
    # (one r only after -ur: Adirahman is Adi Rahman, not Adir)
    (re.compile(r"^([a-z]+(?:ur|[ai]r(?=r)))r?((?:ahman|ohman|ahim|ohim|ahmat|ohmat|azak|ozak|azaq|ozaq|asyid|osyid"
                r"|asid|osid|ofik|ofiq|afik|afiq|ozi|azi|idwan))$"), lambda m: [m[1], "r" + m[2]]),
    (re.compile(r"^(nurul)([a-z]{4,})$"), lambda m: ["nurul", m[2]]),
    (re.compile(r"^(nur|noer|noor)([a-z]{4,})$"), lambda m: ["nur", m[2]]),
]
_EMOJI_NAME = re.compile(r":[a-z0-9_+\-]+:")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_NOT_ALPHA = re.compile(r"[^a-z]")
BACK_SEP = re.compile(r"[,;]")      # back titles follow a comma or a semicolon
_WORD_SEP = re.compile(r"[\s/]+")
_INITIAL_DOT = re.compile(r"[A-Za-z]{1,3}\.(?:[A-Za-z]{1,3}\.)*")     # S., A.Md., S.Tr.
_GLUED_TITLE = re.compile(r"^([a-z]{1,7})\.(\S{2,})$", re.I)   # DRS.H.BUDI, Ir.Budi, dr.Budi
_PIECES = re.compile(r"[a-z]+|[0-9]+")


@dataclass
class Normalised:
    text: str                          # canonical tokens joined by single spaces
    titles: list[str] = field(default_factory=list)   # as written, e.g. ["Drs.", "H.", "M.Si."]

    @property
    def tokens(self) -> list[str]:
        return self.text.split()


# Letters and symbols whose transliteration is a letter of the name: Latin ones however styled
# (small capitals, 🅱, superscripts) and the Greek and Cyrillic ones fancy fonts mix in. Other
# scripts' letters and symbols are decoration in a display name (ツ is "tsu", ღ "gh", 彡 "Shan",
# ♡ "H" to anyascii); the roster is in Latin letters.
_LATIN_LIKE = re.compile(r"LATIN|^MODIFIER LETTER|^GREEK|^CYRILLIC")


def fold(s: str) -> str:
    """Unicode -> plain ASCII letters, case kept; emoji and flags become spaces."""
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s)
    if s.isascii():
        return s
    out = []
    for ch in s:
        if ch.isascii():
            out.append(ch)
            continue
        o = ord(ch)
        if 0x1F1E6 <= o <= 0x1F1FF:        # regional indicators (flags)
            out.append(" ")
            continue
        t = anyascii(ch)
        cat = unicodedata.category(ch)
        if cat[0] == "M":
            continue                       # a mark on a letter (D҉e҉d҉i҉, E̶k̶o̶): the letter stays whole
        if cat[0] in "LS" and not _LATIN_LIKE.search(unicodedata.name(ch, "")):
            out.append(" ")                # ツDewi, ღDewiღ, 彡, ♡: decoration from other scripts (normaliser 7)
            continue
        if not t or _EMOJI_NAME.fullmatch(t):
            out.append(" ")
        else:
            out.append(t)
    return "".join(out)


_VOWELS = str.maketrans("", "", "aeiou")


def consonants(word: str) -> str:
    """A lower-case word without its vowels (gnwn for gunawan), as handles write names short."""
    return word.translate(_VOWELS)


def compact(s: str) -> str:
    return _NOT_ALNUM.sub("", s.lower())


@lru_cache(maxsize=200_000)
def spell(word: str) -> str:
    """Old spelling -> current spelling of one lower-case ASCII word (letters only); a fixed point."""
    if _ANY_LETTER_RULE.search(word) is None:
        return word
    for _ in range(3):
        before = word
        for rx, rep in _LETTER_RULES:
            word = rx.sub(rep, word)
        if word == before:
            break
    return word


def _split_compound(word: str) -> tuple[str, ...] | None:
    for rx, fn in _COMPOUNDS:
        m = rx.match(word)
        if m:
            return tuple(t for p in fn(m) for t in canon_token(p))
    return None


@lru_cache(maxsize=200_000)
def canon_token(word: str) -> tuple[str, ...]:
    """One lower-case word -> its canonical token(s): compounds split, spelling and family applied."""
    parts = _split_compound(word)
    if parts is not None:
        return parts
    s = spell(word)
    s = FAMILIES.get(s, s)
    s = REGIONAL_SHORT.get(s, s)
    if s != word:
        parts = _split_compound(s)
        if parts is not None:
            return parts
    return (s,)


# Regional name parts that say little about who someone is: Balinese gender, birth-order and
# caste words (I Wayan, Ni Luh Putu, Ida Bagus, Anak Agung, Cokorda) and their usual short forms
# (Gde, Gst., Ngr., Nym., Wyn., Kt.), Buton/Bugis La/Wa, the Bugis-Makassar Daeng, the
# Minangkabau Datuk, the Batak boru marker, the Acehnese and Malay Teuku, Tengku and Cut. People
# drop them in display names and handles (Wirawan for I Nyoman Wirawan). Kept in canonical form,
# as names are (Daeng is ``daing``);
# an old-spelling j for y (Wajan, Daju) is read through ``variant_key``: Ni Loeh Wajan = Ni Luh Wayan.
REGIONAL_PARTS = {spell(w) for w in (
                  "i", "ni", "luh", "wayan", "wyn", "putu", "gede", "gde", "made", "kadek", "nengah", "nyoman",
                  "nym", "komang", "ketut", "kt", "gusti", "gst", "ngurah", "ngr", "ida", "anak", "agung",
                  "cokorda", "cokorde", "cok", "desak", "la", "wa", "daeng", "dg", "datuk", "dt",
                  "br", "boru", "teuku", "tengku", "cut")}
# Short forms of regional parts as rosters and profiles write them (I GST NGR, NI WYN, I KT, Boru):
# read as the whole word (canonical form), so "I Ketut Arsani" equals "I KT ARSANI". Dt. is a front title.
# (Boru is read as br., the way Batak rosters write it: the longer word would make a name that
# leaves it out less alike, Romauli Sihtang to Romauli br. Sihotang.)
REGIONAL_SHORT = {"gd": "gede", "gde": "gede", "wyn": "wayan", "gst": "gusti", "ngr": "ngurah", "nym": "nyoman",
                  "kt": "ketut", "dg": "daing", "boru": "br", "cok": "cokorda", "cokorde": "cokorda",
                  # (normaliser 8) Kmg Sumayasa, I Kdk, Ngh, Ktt: the birth-order names written short
                  "kmg": "komang", "kdk": "kadek", "ngh": "nengah", "ktt": "ketut"}
# ... and short forms that stand for a regional part only right after a Balinese one (I Md, Ni Pt,
# I Kd, Ni Km): alone, or after Teuku (Teuku Md Nasir), Md is Muhammad
_REGIONAL_SHORT_AFTER = {"md": "made", "pt": "putu", "kd": "kadek", "km": "komang"}
_BALINESE_PARTS = {"i", "ni", "luh", "wayan", "putu", "gede", "made", "kadek", "nengah", "nyoman", "komang", "ketut",
                   "gusti", "ngurah", "desak", "cokorda"}     # not Bagus, Ayu, Dewa, Agung: given names too
# ... and a leading pair written as initials (A.A. Payanawan, I.B. Adnyana): in Bali these are the
# caste titles far more often than two given names; written as one word (Aa, Ib) only before another
# regional part (AA Gde Rai, IB Putu Sudarma): alone, "Aa" is the Sundanese elder brother (Aa Gym)
_REGIONAL_LEAD = {("a", "a"): ("anak", "agung"), ("i", "b"): ("ida", "bagus")}
_REGIONAL_LEAD_WORD = {"aa": ("anak", "agung"), "ib": ("ida", "bagus")}
# ... and words that are regional parts only right after one of them (Ida Bagus, Gusti Ayu, La Ode, I Dewa
# Gede): alone they are ordinary given names (Bagus, Ayu, Dewa)
_REGIONAL_AFTER = {"bagus", "ayu", "dewa", "sang", "ode"}
# ... and the Bugis-Makassar Andi only in front of a name of two words or more: before a single
# word it is as often a plain given name (Andi Wijaya) as the title (Andi Mallarangeng)
_REGIONAL_BEFORE_TWO = {"andi"}
# ... and the regional part that is also how people are addressed: in Makassar "Daeng" before a
# name is what "Pak" is in Java, so an account "Daeng Nasalis" shows the name Nasalis
ADDRESS_PARTS = {spell(w) for w in ("daeng", "dg")}


def is_regional(token: str, after_part: bool = False) -> bool:
    """A regional name part, in current or old spelling (``wajan`` = ``wayan``)."""
    for t in (token, variant_key(token)):
        if t in REGIONAL_PARTS or (after_part and t in _REGIONAL_AFTER):
            return True
    return False


PATRONYMIC = {"bin", "binti"}        # Muhammad Yusuf bin Abdullah: the father's name follows


def without_patronymic(tokens: list[str]) -> list[str]:
    """A name without ``bin``/``binti`` and the father's name after it, which people leave out;
    only where two words of the name stay before it (Syahrial bin Umar is not "Syahrial", whom
    every Syahrial would equal; Lie Bin Tjoen is a Chinese name)."""
    for k in range(2, len(tokens) - 1):
        if tokens[k] in PATRONYMIC:
            return tokens[:k]
    return tokens


def core_tokens(tokens: list[str], soft: bool = False) -> list[str]:
    """A name without its regional parts (``i nyoman wirawan`` -> ``wirawan``) and patronymic
    (``muhamad yusuf bin abdulah`` -> ``muhamad yusuf``); the name itself when nothing else
    would be left.

    ``soft`` keeps the words that are parts only after one (Ni Luh Putu Ayu Kartika ->
    ``ayu kartika``): people who drop Ni Luh Putu often keep Ayu as a given name."""
    tokens = without_patronymic(tokens)
    out, prev_part = [], False
    for k, t in enumerate(tokens):
        part = is_regional(t, prev_part and not soft) or (t in _REGIONAL_BEFORE_TWO and len(tokens) - k > 2)
        if not part:
            out.append(t)
        prev_part = part
    return out or list(tokens)


ACCOUNT_NUMBERS = {"ii", "iii", "iv"}     # and Jr. with its dot (JR alone may be two initials)
GENDER_MARKERS = {"i", "ni"}


def without_gender_marker(tokens: list[str]) -> list[str]:
    """A Balinese name without the I or Ni in front, which its owner often leaves out while keeping
    the birth-order name (Putu Sukadana for I Putu Sukadana, Ketut Sudiarta for Ni Ketut
    Sudiarta); ``core_tokens`` drops both. The name itself when two words would not stay."""
    return tokens[1:] if len(tokens) >= 3 and tokens[0] in GENDER_MARKERS else tokens


def variant_key(text: str) -> str:
    """Alternative key for spellings of one name that the canonical form keeps apart: a second
    chance, never the main key. Both sides are read through it, so either may hold either form.

    - Old ``j`` = current ``y`` (Wahjudi = Wahyudi). Each word is spelled again after the
      change: a final old ``j`` is a final ``y``, which the current spelling reads as ``i``
      (Lilj = Lily = ``lili``).
    - ``y`` or ``i`` between a consonant and a vowel (Setyawan = Setiawan, Dyah = Diah,
      Prasetyo = Prasetio); ``ny`` is one sound and stays. The glide after ``i`` and ``u`` is
      written or not (Sugiyanto = Sugianto = Sugyanto, Supriyadi = Supriadi, Suwandi = Suandi).
    - Sundanese ``p`` for ``f`` and ``v`` (Ulfa = Ulpa, Arif = Arip, Novi = Nopi).
    - Arabic letters written two ways: ``ts`` or ``s`` (Utsman = Usman), ``dz`` or ``z``
      (Dzikri = Zikri), ``gh`` or ``g`` (Ghani = Gani), ``ei`` or ``ai`` (Zein = Zain), ``sh``
      or ``s`` (the canonical ``s`` of sy: Sharif = Syarif, Shinta = Sinta, Natasha = Natasya).
    - A Latin ``Chr`` or ``Kr`` (Christina = Kristina, Christian = Kristian).
    - ``au`` written as Javanese and Sundanese say it, ``ao`` (Taofik = Taufik, Maolana =
      Maulana); ``ae`` for ``ai`` (Zaenal = Zainal) is a rule of the canonical form. The pesantren
      ``oi`` after kh/ch (Khoirul = Khairul).
    - Latin letters (``_latin_letters``): Veronica = Veronika, Felix = Feliks, Aziz = Azis.
    - A final ``h`` after a vowel, often left out (Aisyah = Aisya, Fatimah = Fatima), in a word
      of five letters or more.
    - An ``e`` spoken into a first ``sr`` or ``sl`` (Seri = Sri, Selamet = Slamet; normaliser 7).
    - Javanese ``a`` for ``o`` in the last two syllables of a word of six letters or more
      (Javanese writes one vowel that names spell either way): Santoso = Santosa, Purnomo =
      Purnama, Wibowo = Wibawa, Rohmah = Rahmah. Shorter words keep theirs (Rino is not Rina),
      and so do the Latin pairs of a man's and a woman's name (Yuliano and Yuliana, Agustino
      and Agustina, Antonio and Antonia, Angelo and Angela, Benito and Benita), and an o
      further from the end (Rosita is not Rasita).

    The canonical form cannot take these: they would change the words inside a run-together
    handle (arif + yanto is not ``arifianto``) and merge names people keep apart. What people
    write in a handle for a roster word is ``written_forms``."""
    return " ".join(_variant_word(w) for w in text.split(" "))


_ARABIC = [(re.compile(r"ts"), "s"), (re.compile(r"dz"), "z"), (re.compile(r"gh"), "g"), (re.compile(r"ei"), "ai"),
           (re.compile(r"sh"), "s")]
# ... and a Latin Chr- (Christina, canonically "hristina": no Indonesian word begins with hr)
_LATIN_CHR = (re.compile(r"^hr(?=[aeiouy])"), "kr")
#: au as Javanese and Sundanese say it, written ao: Taofik = Taufik, Maolana = Maulana, Saodah =
#: Saudah (ae for ai, Zaenal = Zainal, is a rule of the canonical form already)
#: ... and the pesantren oi for ai after kh, ch (normaliser 8): Khoirul = Khairul = Choirul,
#: Khoiriyah = Khairiyah. The canonical form writes kh and ch as h (hoirul, hairul), so any h:
#: Hoida = Haida too (the one other pair among the labelled sets' 39,897 tokens)
_DIPHTHONGS = [(re.compile(r"ao"), "au"), (re.compile(r"(?<=h)oi"), "ai")]
_WRITTEN_DIPHTHONGS = [(re.compile(r"au"), "ao"), (re.compile(r"(?<=h)ai"), "oi")]
_LETTER_PAIRS = _ARABIC + _DIPHTHONGS + [_LATIN_CHR]     # what the key reads as one letter or sound
_GLIDE = re.compile(r"(?<=[a-z])(i)y(?=[aeiou])|(?<=[a-z])(u)w(?=[aeiou])")
_CONSONANT_Y = re.compile(r"(?<=[bcdfghjklmpqrstvwxz])y(?=[aeiou])")
_SUNDANESE_P = re.compile(r"[fv]")
#: a man's and a woman's name told apart by the last vowel (Yuliano, Yuliana): not Javanese a/o;
#: after a t, -io is the Javanese -tyo written with i (Prasetio)
_LATIN_GENDER = re.compile(r"(?:i[nt]|ian|el|(?<!t)i)[ao]$")
_VOWEL = re.compile(r"[aeiou]")


def _javanese_a(word: str) -> str:
    """The o of the last two syllables read as a (santoso -> santasa, rohma -> rahma)."""
    last = [m.start() for m in _VOWEL.finditer(word)][-2:]
    chars = list(word)
    for k in last:
        if chars[k] == "o":
            chars[k] = "a"
    return "".join(chars)


@lru_cache(maxsize=200_000)
def _variant_word(word: str) -> str:
    word = _latin_consonants(word)   # first: an x before h makes an sh, a t before a final z a ts
    long_word, latin = len(word) >= 6, bool(_LATIN_GENDER.search(word))
    if "j" in word:
        word = spell(word.replace("j", "y"))
    for rx, rep in _LETTER_PAIRS:
        word = rx.sub(rep, word)
    # y after a consonant first: the i it leaves may then carry a glide (nuwyu -> nuwiu -> nuiu)
    word = _SUNDANESE_P.sub("p", _GLIDE.sub(lambda m: m[1] or m[2], _CONSONANT_Y.sub("i", word)))
    if len(word) >= 5 and word[-1] == "h" and word[-2] in "aeiou":
        word = word[:-1]
    if long_word and not latin and "o" in word:
        word = _javanese_a(word)
    # after the a for o, before the cluster: the key is its own key (secokos -> secakas -> sekakas,
    # celakos -> selakas -> slakas)
    latin_read = _latin_letters(word)
    if latin_read != word:
        word = latin_read
        for rx, rep in _LETTER_PAIRS:          # a soft c after t makes a ts (sctce -> sktse -> skse)
            word = rx.sub(rep, word)
    return _SE_CLUSTER.sub("s", word)


#: a word of Latin spelling (Veronica, Marcus, Cornelis, Victor, Lucia): a c before a consonant or
#: at the end, or a Latin ending; native words with c (Cahya, Cinta, Cecep, Cut) have none (not a
#: bare -ia: Cahya's key is cahia)
_LATIN_SPELLING = re.compile(r"c[^aeiouyh]|c$|sc|(?:us|is|as|ca|co|cia|cilia)$")
_SOFT_C = re.compile(r"c(?=[eiy])")
_FINAL_TIUS = re.compile(r"tius$")


def _latin_consonants(word: str) -> str:
    """x as ks and a final z as s (Felix = Feliks, Aziz = Azis; normaliser 8)."""
    if "x" in word:
        word = word.replace("x", "ks")
    return word[:-1] + "s" if len(word) >= 4 and word[-1] == "z" else word


def _latin_letters(word: str) -> str:
    """The letters of Latin names as Indonesian writes them (normaliser 8): Veronica = Veronika,
    Franciscus = Fransiskus, Lucia = Lusia, Vincentius = Vinsensius (x and a final z: at the start
    of ``_variant_word``)."""
    if "c" in word and len(word) >= 5 and _LATIN_SPELLING.search(word):
        word = _SOFT_C.sub("s", word).replace("c", "k")
    return _FINAL_TIUS.sub("sius", word)


def has_variant(token: str) -> bool:
    """Whether ``variant_key`` reads the token as another form (see there)."""
    return _variant_word(token) != token


_CONSONANT_I = re.compile(r"(?<=[bcdfghklmpqrstvwxz])i(?=[aeou])")
# an e spoken into the first cluster, as Malay and Javanese write it: Seri = Sri, Selamet = Slamet
_SE_CLUSTER = re.compile(r"^se(?=[rl][aeiou])")
_S_CLUSTER = re.compile(r"^s(?=[rl][aeiou])")
_I_GLIDE = re.compile(r"(?<=[a-z]i)(?=[aeou])")


def written_forms(token: str) -> tuple[str, ...]:
    """Other spellings people write for a roster word, each with its variant key: what a
    handle may hold for it (``sunaryo`` for the roster's Sunarjo, ``santosa`` for Santoso,
    ``setiawan`` for Setyawan, ``sugiyanto`` for Sugianto). The variant key itself is often no
    written word (``sunaria``), so the handle vocabulary takes these instead. One rule at a
    time, on the word and on its current spelling if it is written in the old one."""
    key = _variant_word(token)
    bases = [token] + ([spell(token.replace("j", "y"))] if "j" in token else [])
    out: list[str] = []
    for base in bases:
        forms = [base, _CONSONANT_Y.sub("i", base), _CONSONANT_I.sub("y", base),
                 _GLIDE.sub(lambda m: m[1] or m[2], base), _I_GLIDE.sub("y", base), _SUNDANESE_P.sub("p", base)]
        for rx, rep in _LETTER_PAIRS + _WRITTEN_DIPHTHONGS:
            forms.append(rx.sub(rep, base))
        if len(base) >= 5 and base[-1] == "h" and base[-2] in "aeiou":
            forms.append(base[:-1])
        forms.append(_latin_letters(_latin_consonants(base)))      # veronika for the roster's Veronica
        forms.append(_S_CLUSTER.sub("se", base))
        if len(base) >= 6:                 # Selamet -> slamet; not Sela -> sla, a run of any handle
            forms.append(_SE_CLUSTER.sub("s", base))
        if len(base) >= 6 and base[-1] in "ao" and not _LATIN_GENDER.search(base):
            forms.append(base[:-1] + ("a" if base[-1] == "o" else "o"))
        for f in forms:
            if f != token and len(f) > 1 and f not in out and _variant_word(f) == key:
                out.append(f)
    return tuple(out)


def _compact_title(raw: str) -> str:
    return _NOT_ALPHA.sub("", raw.lower())


def is_back_title(raw: str) -> bool:
    """A written back title (``S.Pd.``, ``SPd``, ``A.Md.Kep``), ALL-CAPS safe."""
    c = _compact_title(raw)
    if not c or c not in BACK_TITLES:
        return False
    if c in BACK_NEEDS_DOT:
        return "." in raw
    return True


def _glued_back_titles(raw: str) -> bool:
    """Back titles written together without a comma or a space (``ST.MT``, ``S.Pd.M.Pd``): the
    pieces between the dots group into titles, each one of ``BACK_TITLES``."""
    if "." not in raw:
        return False
    pieces = [c for c in map(_compact_title, raw.split(".")) if c]
    if len(pieces) < 2:
        return False
    ends = {0}
    for k in range(1, len(pieces) + 1):
        if any("".join(pieces[j:k]) in BACK_TITLES for j in ends if j < k):
            ends.add(k)
    return len(pieces) in ends


def _apart_degree(first: str, second: str) -> bool:
    """Two words that are one degree written apart with neither dot nor comma (normaliser 8):
    ``S Pd``, ``Amd Keb``, ``M Si``. A letter and a word that make no degree (``S T``: S.T. or
    two initials) stay as they are."""
    if len(first) > 5 or len(second) > 5:        # (every display name's last words come here: cheap first)
        return False
    a, b = _compact_title(first), _compact_title(second)
    joined = a + b
    return (bool(a) and (len(a) == 1 or a in BACK_TITLES) and len(joined) >= 3 and joined in DEGREES
            and not is_back_title(second))


def _bare_after_degree(before: str, word: str) -> bool:
    """A title that needs its dot written bare right after a degree written with its dots
    (``S.Kep Ns``, normaliser 8; not Tan Se Meng)."""
    if len(word) > 5 or "." not in before:
        return False
    c = _compact_title(word)
    return c in BACK_NEEDS_DOT and c in BACK_TITLES and (is_back_title(before) or _glued_back_titles(before))


def _account_number(word: str) -> bool:
    """A second or later account's number after the name (normaliser 8): II, III, IV, Jr."""
    c = word.lower()
    return c in ACCOUNT_NUMBERS or c == "jr."


def _split_back(back: str) -> tuple[list[str], list[str]]:
    """Text after the first comma: titles, and any name words that are not titles."""
    titles, rest = [], []
    for piece in BACK_SEP.split(back):
        piece = piece.strip()
        if not piece:
            continue
        joined = _compact_title(piece)
        if joined in BACK_TITLES or (joined.startswith("sp") and len(joined) <= 8 and "." in piece):
            titles.append(piece)
            continue
        for w in piece.split():
            cw = _compact_title(w)
            if cw in BACK_TITLES or (cw.startswith("amd") and len(cw) <= 8) or ("." in w and len(cw) <= 5):
                titles.append(w)
            elif cw:
                rest.append(w)
    return titles, rest


#: initials people write together in front of a name, dots left out: Catholic baptismal names
#: (F.X. Fransiskus Xaverius, Y.B. Yohanes Baptista, M.G. Maria Goretti, C.B. Carolus
#: Borromeus) and B.J. (Habibie). A closed list: other short first words are names or words
#: (Mhd, Gst, Br, Tb, Mgs, PNS, Pk, Mbk). None begins with h, r or t, which the front titles
#: would read as Haji, Raden or t on a second reading (HM stays a word; H.M. is read).
INITIALS_TOGETHER = frozenset({"fx", "yb", "mg", "cb", "bj"})


# letters written as digits ("alay": J0k0 Pr4s3ty0, R1n4, D14n, S1TI AM1NAH, NuRh4L1zA): a run of
# letters with digits alone or in pairs, some between two letters, and two or more digits, or one
# that is no 4 (Rina4ever); never 2 (kata2 is kata-kata) or 8, three together or a pair in front
# (a number). Once one run of a name is so written, digits at the end of another are letters too
# (Bud1 S4nt0s0, M14). Not a school's or an office's number (SDN1Sleman, SMPN3, UPTD2), nor one
# digit between a word and a capitalised one (Rina3Sari: two words). Alay writing mixes cases at
# will, so case says nothing else. Only in names: in a handle digits are a birth date's evidence.
_LEET = str.maketrans("01345679", "oieasgtg")
_ALNUM_RUN = re.compile(r"[a-z0-9]+", re.I)
_DIGIT_INSIDE = re.compile(r"[a-z][0-9]{1,2}[a-z]", re.I)
_NOT_LEET = re.compile(r"[0-9]{3}|^[0-9]{2}|[28]")          # D14n is Dian; 17Budi is a number
_PAIR_AT_END = re.compile(r"[0-9]{2}$")                          # Rina14: a number, unless the name is alay
_NUMBERED = re.compile(r"^(?:sdn?|smpn?|sman?|smkn?|min?|mtsn?|man|tk|paud|upt|uptd|pkm|rt|rw)[0-9]", re.I)
_WORD_BREAK = re.compile(r"[a-z][0-9][A-Z][a-z]")
_A_DIGIT = re.compile(r"[0-9]")


def _leet_shaped(run: str, strict: bool) -> bool:
    digits = sum(ch.isdigit() for ch in run)
    if not digits or len(run) - digits < (2 if strict else 1) or _NOT_LEET.search(run) or _NUMBERED.match(run):
        return False
    if digits == 1 and _WORD_BREAK.search(run):
        return False
    if strict and _PAIR_AT_END.search(run):       # R0s4l14 is alay before its end, Rina14 is not
        return _leet_shaped(run[:-2], strict=True)
    return not strict or (_DIGIT_INSIDE.search(run) is not None and (digits > 1 or "4" not in run))


def unleet(text: str) -> str:
    """``J0k0 Pr4s3ty0`` -> ``Joko Prasetyo``, ``Bud1 S4nt0s0`` -> ``Budi Santoso``; digits that
    are no letters stay (``Budi 1985``, ``Rina4ever``, ``kata2``)."""
    if not _A_DIGIT.search(text):
        return text
    runs = _ALNUM_RUN.findall(text)
    if not any(_leet_shaped(r, strict=True) for r in runs):
        return text
    return _ALNUM_RUN.sub(lambda m: m[0].translate(_LEET) if _leet_shaped(m[0], strict=False) else m[0], text)


#: words of spaced letters, two spaces or more between words (normalised text never has two)
_SPACED_LETTERS = re.compile(r"^\s*[A-Za-z](?: [A-Za-z])*(?:\s{2,}[A-Za-z](?: [A-Za-z])*)+\s*$")
_LETTER_SPACE = re.compile(r"(?<=[A-Za-z]) (?=[A-Za-z])")


def normalise(name: str | None) -> Normalised:
    """Canonical text and titles of a name; ``normalise(normalise(x).text) == normalise(x)``."""
    s = unleet(fold(name or ""))
    s = s.replace("\u2019", "'").replace("`", "'")
    if _SPACED_LETTERS.match(s):          # "B U D I  S A N T O S O": the letters of words, spaced out
        s = _LETTER_SPACE.sub("", s)
    titles: list[str] = []
    front: list[str] = []
    main, sep, back = s.partition(",")
    extra: list[str] = []
    if sep:
        t, extra = _split_back(back)
        titles += t
    words = [w for w in _WORD_SEP.split(main.strip()) if any(ch.isalnum() for ch in w)]
    words += extra
    # front titles: "Prof. Dr. H. Budi", "DRS H BUDI"
    while words:
        w = words[0]
        c = _compact_title(w)
        remaining = len(words) - 1
        if c in FRONT_AMBIGUOUS and remaining == 1:
            # words, as their canonical tokens count them: H. Abdurrahman is Haji Abdul Rahman
            remaining = sum(len(canon_token(p)) for p in _PIECES.findall(words[1].lower()) if not p.isdigit())
        if remaining and (c in FRONT_TITLES or (spell(c) != c and spell(c) in FRONT_TITLES)
                          or (c in FRONT_AMBIGUOUS and remaining >= 2) or (c in _AFTER_ADDRESS and front)):
            # one-letter h/r/t without a dot in front of a single word is an initial
            front.append(w)
            words.pop(0)
            continue
        # "Dr.Budi" written together
        m = _GLUED_TITLE.match(w)
        if m and m[1].lower() in FRONT_TITLES | FRONT_AMBIGUOUS:
            front.append(m[1] + ".")
            words[0] = m[2]
            continue
        break
    # "St. Aminah", "Hj. St. Aminah", "St.Aminah"; a trailing ST is a title (S.T.), never Siti
    if len(words) > 1 and _compact_title(words[0]) == "st":
        words[0] = "siti"
    elif words and (m := _GLUED_TITLE.match(words[0])) and m[1].lower() == "st":
        words[0:1] = ["siti", m[2]]
    trailing: list[str] = []
    # trailing back titles written without a comma: "Budi Santoso S.Pd M.Si", "BUDI SANTOSO SPD"
    # ... and written apart after a dot ("Budi Santoso S. Pd", "S. Kep", "A.Md. Kep"), when two words
    # stay before it: "Budi S. Pd" may be an initial and a name
    while True:
        if len(words) > 1 and (is_back_title(words[-1]) or _glued_back_titles(words[-1])):
            trailing.insert(0, words.pop())
        elif (len(words) > 3 and _INITIAL_DOT.fullmatch(words[-2])
              and is_back_title(words[-2] + words[-1]) and not is_back_title(words[-1])):
            trailing.insert(0, words.pop(-2) + " " + words.pop())
        elif len(words) > 2 and _account_number(words[-1]):
            words.pop()          # Budi Hermawan II (S.Pd), Budi Jr.: spelled, II would be the initial I
        elif len(words) > 2 and _bare_after_degree(words[-2], words[-1]):
            trailing.insert(0, words.pop())
        elif (len(words) > 2 and _apart_degree(words[-2], words[-1])
              and (len(words) > 3 or len(_compact_title(words[-2])) > 1)):
            # (one name may stay before Amd Keb; before S Pd two, else "Budi S Pd" loses an initial)
            trailing.insert(0, words.pop(-2) + " " + words.pop())
        else:
            break
    # digits in a name are noise (they are evidence in handles)
    pieces = [p for w in words for p in _PIECES.findall(w.lower().replace("'", "")) if not p.isdigit()]
    tokens = [t for p in _regional_after(_regional_lead(_arabic_article(pieces))) for t in canon_token(p)]
    if len(tokens) > 1 and tokens[0] in INITIALS_TOGETHER:     # FX Hadi, as F.X. Hadi
        tokens[0:1] = list(tokens[0])
    if len(tokens) >= 4 and all(len(t) == 1 for t in tokens):
        tokens = list(canon_token("".join(tokens)))     # "S U T R I S N O": one name spelled out
    return Normalised(" ".join(tokens), front + trailing + titles)


# The Arabic article written apart from the family name it belongs to (Al Habsyi, Al-Attas, and
# assimilated before its letter: As-Segaf, Ar Rasyid, Asy Syafii), as rosters write it glued.
_SUN_ARTICLES = {"as": "s", "asy": "sy", "ash": "sh", "at": "t", "ad": "d", "ar": "r", "an": "n", "az": "z"}


def _arabic_article(pieces: list[str]) -> list[str]:
    """Pieces with an Arabic article joined to the word after it (normaliser 7): ``al habsyi`` is
    the roster's Alhabsyi, ``as segaf`` its Assegaf. Before, "Aisyah Al Habsyi" shared one token
    with Syarifah Aisyah Alhabsyi and read as another person's name."""
    if len(pieces) < 2 or not any(p in _SUN_ARTICLES or p == "al" for p in pieces[:-1]):
        return pieces
    out: list[str] = []
    k = 0
    while k < len(pieces):
        p = pieces[k]
        nxt = pieces[k + 1] if k + 1 < len(pieces) else ""
        if len(nxt) >= 3 and (p == "al" or (p in _SUN_ARTICLES and nxt.startswith(_SUN_ARTICLES[p]))):
            out.append(p + nxt)
            k += 2
        else:
            out.append(p)
            k += 1
    return out


def _regional_lead(pieces: list[str]) -> list[str]:
    """A leading pair of regional parts written as initials (``_REGIONAL_LEAD``), as words."""
    for lead, full in _REGIONAL_LEAD.items():
        if tuple(pieces[:2]) == lead and len(pieces) > 2:
            return [*full, *pieces[2:]]
    full = _REGIONAL_LEAD_WORD.get(pieces[0]) if len(pieces) > 2 else None
    if full and is_regional(canon_token(pieces[1])[0]):
        return [*full, *pieces[1:]]
    return pieces


def _regional_after(pieces: list[str]) -> list[str]:
    """Short forms that stand for a regional part right after a Balinese one
    (``_REGIONAL_SHORT_AFTER``), read before ``FAMILIES`` would make Md Muhammad."""
    out = list(pieces)
    for k in range(1, len(out) - 1):
        if out[k] in _REGIONAL_SHORT_AFTER:
            before = canon_token(out[k - 1])[-1]
            if before in _BALINESE_PARTS or variant_key(before) in _BALINESE_PARTS:
                out[k] = _REGIONAL_SHORT_AFTER[out[k]]
    return out


# What separates a display name from what its owner says about themselves: "Budi Santoso | Guru
# SDN 2", "Budi Santoso - ASN Pemkab", "Budi Santoso • Sleman", "Budi Santoso (Pak Bud)". A hyphen
# inside a word (Siti-Aminah) and a comma (back titles) are not such separators.
# An aside in brackets or quotes may stand inside the name: Budi (Ucok) Santoso, Budi "Ucok" Santoso.
# Hearts and an ampersand join two people (Sulastri Sasmito ❤ Budi Santoso, Rina & Budi; normaliser 8).
_HEARTS = "❤♥♡❣💕💖💗💘💙💚💛💜💞💓🖤🤍🤎🧡\ufe0f"
_DISPLAY_SEP = re.compile(r"\s*(?:[|｜•·~–—∙⋅◦➖➤►▶→⇒丨ǀ¦‖" + _HEARTS + r"]+|\s(?:-+|[/\\:;&+]+)\s)\s*")
_TWO_PEOPLE = re.compile(r"[" + _HEARTS + r"]|\s[&+]\s")
# ... and tags after the name: Budi Santoso #AMIN @budi_s (an opening mark never closed is no aside)
# Single quotes only around a whole word (Budi 'Bewok' Santoso): inside one they are Ma'ruf's.
_ASIDE = re.compile(r"[(\[{<«\"“]([^)\]}>»\"”]*)[)\]}>»\"”]|(?<=\S\s)[#@](\w+)"
                    r"|(?:(?<=\s)|^)['‘`]([^'’`\s][^'’`]*)['’`](?=\s|$)")


def has_aside(text: str) -> bool:
    """Whether a display name holds an aside (``display_segments``): its parts are then not in order."""
    return bool(_ASIDE.search(text))


def names_two_people(text: str) -> bool:
    """A display name that joins two people with a heart or an ampersand (Rina ❤️ Budi Santoso):
    the first is the account's owner, however short their name is written."""
    return bool(_TWO_PEOPLE.search(text))


def display_segments(text: str) -> list[str]:
    """The parts of a display name between separators, in order, then its asides (in brackets
    or quotes, hashtags and mentions after the name), then, if it had asides, the whole text
    without their marks (``"Siti" Aminah``), empty ones left out."""
    asides = [a or t or q for a, t, q in _ASIDE.findall(text)]
    rest = _ASIDE.sub(" ", text)
    parts = _DISPLAY_SEP.split(rest) + asides
    if asides:
        parts += _DISPLAY_SEP.split(_ASIDE.sub(lambda m: f" {m[1] or m[2] or m[3]} ", text))
    return list(dict.fromkeys(p for p in map(str.strip, parts) if p))


def title_keys(titles: list[str]) -> set[str]:
    """Comparable forms of titles: ``S.Pd.`` and ``SPD`` both -> ``spd``."""
    return {_compact_title(t) for t in titles if _compact_title(t)}

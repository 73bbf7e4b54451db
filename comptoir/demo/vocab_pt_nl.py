"""The demo catalogue's Portuguese (European, as in Portugal) and Dutch words, beside ``vocab_de_it``.

Per leaf (category slug): each noun's Portuguese word with its gender and number ("m", "f",
"mp", "fp") and its Dutch word, lower-case, with its article or number ("de", "het", "p");
each variant's Portuguese phrase (written "m/f/mp/fp" where the adjective agrees, like Italian)
and its Dutch word; three selling sentences per language, in the order of the English ones
(the same two are picked).

Portuguese titles put the variant after the noun ("Frigideira antiaderente"), adjectives agreeing
with it, colours too ("Sapatilhas de trail para mulher … – EU 40, azuis"). European Portuguese
throughout, not Brazilian: sapatilhas, comboio, peluche, auscultadores, travões, biberão, bebé,
banda desenhada, azeite, berbequim; spelling of the 1990 agreement ("elétrica"), as the category
names ("Eletrónica").

A Dutch variant written "base/inflected" is an adjective that goes before the noun and takes the
inflected form (usually -e) before a "de" word or a plural, the base form before a singular "het"
word (no article in a title): "Klassieke bouwset" but "Klassiek bordspel", "Gietijzeren koekenpan".
Any other Dutch variant is a phrase after the noun ("Koekenpan met antiaanbaklaag"). Dutch colours
follow the size after a comma, in their base form ("…, zwart").
"""
from __future__ import annotations

# Colours: Portuguese m/f/mp/fp, Dutch (base form).
COLOURS_PT_NL: dict[str, tuple[str, str]] = {
    "black": ("preto/preta/pretos/pretas", "zwart"),
    "white": ("branco/branca/brancos/brancas", "wit"),
    "red": ("vermelho/vermelha/vermelhos/vermelhas", "rood"),
    "blue": ("azul/azul/azuis/azuis", "blauw"),
    "green": ("verde/verde/verdes/verdes", "groen"),
    "grey": ("cinzento/cinzenta/cinzentos/cinzentas", "grijs"),
    "yellow": ("amarelo/amarela/amarelos/amarelas", "geel"),
    "orange": ("laranja", "oranje"),
}

SIZE_WORDS_PT_NL = {
    "pt": (("One size", "Tamanho único"), ("Set of", "Conjunto de"), ("Pack of", "Embalagem de"), ("piece", "peça"),
           ("h battery", "h de autonomia"), ("years", "anos"), ("months", "meses"), ("pages", "páginas")),
    "nl": (("One size", "Eén maat"), ("Set of", "Set van"), ("Pack of", "Pak van"), ("piece", "stuk"),
           ("h battery", "uur accuduur"), ("years", "jaar"), ("months", "maanden"), ("pages", "pagina's")),
}

# leaf slug -> {"nouns": {key: (pt, pt gender, nl, nl article)}, "variants": {key: (pt, nl)}, "pitch": {"pt": (...), "nl": (...)}}
LEAF_WORDS_PT_NL: dict[str, dict] = {
    "cookware": {
        "nouns": {"frying-pan": ("Frigideira", "f", "koekenpan", "de"), "saucepan": ("Tacho", "m", "steelpan", "de"),
                  "wok": ("Wok", "m", "wok", "de"), "casserole": ("Caçarola", "f", "braadpan", "de"),
                  "stockpot": ("Panela", "f", "kookpan", "de")},
        "variants": {"cast-iron": ("em ferro fundido", "gietijzeren/gietijzeren"),
                     "stainless": ("em aço inoxidável", "roestvrijstalen/roestvrijstalen"),
                     "non-stick": ("antiaderente/antiaderente/antiaderentes/antiaderentes", "met antiaanbaklaag"),
                     "copper": ("em cobre", "koperen/koperen")},
        "pitch": {
            "pt": ("Compatível com todos os tipos de placa, incluindo indução.", "Calor uniforme e fácil de limpar.",
                   "Construção robusta, para anos de cozinha diária."),
            "nl": ("Geschikt voor alle warmtebronnen, ook voor inductie.", "Verdeelt de warmte gelijkmatig en is makkelijk schoon te maken.",
                   "Gemaakt om jarenlang elke dag mee te koken."),
        },
    },
    "running-shoes": {
        "nouns": {"road": ("Sapatilhas de corrida", "fp", "hardloopschoenen", "p"),
                  "trail": ("Sapatilhas de trail", "fp", "trailschoenen", "p"),
                  "racing": ("Sapatilhas de competição", "fp", "wedstrijdschoenen", "p")},
        "variants": {"men": ("para homem", "voor heren"), "women": ("para mulher", "voor dames"),
                     "unisex": ("unissexo", "unisex/unisex")},
        "pitch": {
            "pt": ("Entressola amortecida e parte superior em malha respirável.", "Sola com boa aderência em estrada molhada.",
                   "Suficientemente leves para o dia da prova."),
            "nl": ("Dempende tussenzool en een ademend bovenwerk van mesh.", "Loopzool met veel grip op natte wegen.",
                   "Licht genoeg voor de wedstrijddag."),
        },
    },
    "books": {
        "nouns": {"cookbook": ("Livro de culinária", "m", "kookboek", "het"), "novel": ("Romance", "m", "roman", "de"),
                  "travel-guide": ("Guia de viagem", "m", "reisgids", "de"), "comic": ("Banda desenhada", "f", "stripboek", "het"),
                  "garden-guide": ("Manual de jardinagem", "m", "tuinhandboek", "het")},
        "variants": {"paperback": ("de capa mole", "in paperback"), "hardcover": ("de capa dura", "gebonden/gebonden")},
        "pitch": {
            "pt": ("Um dos preferidos das livrarias independentes.", "Com ilustrações do princípio ao fim.", "Agora numa nova edição."),
            "nl": ("Een favoriet van onafhankelijke boekhandels.", "Van begin tot eind geïllustreerd.", "Nu in een nieuwe editie."),
        },
    },
    "toys": {
        "nouns": {"building-set": ("Jogo de construção", "m", "bouwset", "de"), "plush": ("Urso de peluche", "m", "knuffelbeer", "de"),
                  "puzzle": ("Puzzle", "m", "legpuzzel", "de"), "wooden-train": ("Comboio de madeira", "m", "houten trein", "de"),
                  "board-game": ("Jogo de tabuleiro", "m", "bordspel", "het")},
        "variants": {"classic": ("clássico/clássica/clássicos/clássicas", "klassiek/klassieke"), "deluxe": ("de luxo", "luxe/luxe")},
        "pitch": {
            "pt": ("Cumpre a norma europeia de segurança dos brinquedos EN 71.", "Horas de brincadeira criativa.",
                   "Um presente que as crianças guardam durante anos."),
            "nl": ("Voldoet aan de Europese speelgoednorm EN 71.", "Urenlang creatief speelplezier.",
                   "Een cadeau dat kinderen jarenlang bewaren."),
        },
    },
    "headphones": {
        "nouns": {"over-ear": ("Auscultadores over-ear", "mp", "over-ear koptelefoon", "de"),
                  "earbuds": ("Auriculares", "mp", "oordopjes", "p"),
                  "on-ear": ("Auscultadores on-ear", "mp", "on-ear koptelefoon", "de")},
        "variants": {"bluetooth": ("Bluetooth", "met bluetooth"), "anc": ("com cancelamento de ruído", "met ruisonderdrukking"),
                     "wired": ("com fio", "met kabel")},
        "pitch": {
            "pt": ("Graves profundos e vozes nítidas.", "Carregamento rápido: 10 minutos para 3 horas.", "Dobráveis, com estojo de viagem."),
            "nl": ("Diepe bassen en heldere stemmen.", "Snelladen: 10 minuten voor 3 uur muziek.", "Opvouwbaar, met opbergetui voor onderweg."),
        },
    },
    "garden": {
        "nouns": {"planter": ("Floreira", "f", "plantenbak", "de"), "hose": ("Mangueira de jardim", "f", "tuinslang", "de"),
                  "pruner": ("Tesoura de poda", "f", "snoeischaar", "de"), "watering-can": ("Regador", "m", "gieter", "de")},
        "variants": {"recycled": ("em plástico reciclado", "van gerecycled plastic"), "metal": ("em metal", "metalen/metalen"),
                     "terracotta": ("em terracota", "van terracotta")},
        "pitch": {
            "pt": ("Resistente à geada e aos raios UV.", "Pode ficar no exterior todo o ano.", "Leve e fácil de manusear."),
            "nl": ("Bestand tegen vorst en uv-straling.", "Kan het hele jaar buiten blijven.", "Licht en handzaam."),
        },
    },
    "beauty": {
        "nouns": {"face-cream": ("Creme de rosto", "m", "gezichtscrème", "de"), "shampoo": ("Champô", "m", "shampoo", "de"),
                  "soap": ("Sabonete", "m", "zeep", "de"), "perfume": ("Eau de parfum", "m", "eau de parfum", "de")},
        "variants": {"lavender": ("com lavanda", "met lavendel"), "olive": ("com azeite", "met olijfolie"),
                     "rose": ("com extrato de rosa", "met rozenextract"), "unscented": ("sem perfume", "parfumvrij/parfumvrije")},
        "pitch": {
            "pt": ("Com 95% de ingredientes de origem natural.", "Testado dermatologicamente.", "Fórmula vegana, não testada em animais."),
            "nl": ("Voor 95% gemaakt van ingrediënten van natuurlijke oorsprong.", "Dermatologisch getest.",
                   "Veganistische formule, niet getest op dieren."),
        },
    },
    "food-drinks": {
        "nouns": {"olive-oil": ("Azeite", "m", "olijfolie", "de"), "coffee": ("Café em grão", "m", "koffiebonen", "p"),
                  "honey": ("Mel", "m", "honing", "de"), "tea": ("Chá verde", "m", "groene thee", "de"),
                  "chocolate": ("Chocolate preto", "m", "pure chocolade", "de")},
        "variants": {"organic": ("biológico/biológica/biológicos/biológicas", "biologisch/biologische"),
                     "classic": ("clássico/clássica/clássicos/clássicas", "klassiek/klassieke"), "local": ("da quinta", "van de boerderij")},
        "pitch": {
            "pt": ("De pequenos produtores que conhecemos pelo nome.", "Consumir de preferência até 12 meses após o embalamento.",
                   "Colhido e embalado na Europa."),
            "nl": ("Van kleine producenten die we persoonlijk kennen.", "Ten minste houdbaar tot 12 maanden na het verpakken.",
                   "Geoogst en verpakt in Europa."),
        },
    },
    "baby": {
        "nouns": {"bottle": ("Biberão", "m", "babyfles", "de"), "bodysuit": ("Body", "m", "romper", "de"),
                  "blanket": ("Cueiro", "m", "inbakerdoek", "de"), "stroller": ("Carrinho de bebé", "m", "kinderwagen", "de")},
        "variants": {"cotton": ("em algodão biológico", "van biologisch katoen"), "bamboo": ("em bambu", "van bamboe"),
                     "standard": ("essencial/essencial/essenciais/essenciais", "basic/basic")},
        "pitch": {
            "pt": ("Suave para peles sensíveis.", "Sem BPA e fácil de limpar.", "Testado segundo as normas de segurança europeias."),
            "nl": ("Zacht voor de gevoelige babyhuid.", "BPA-vrij en makkelijk schoon te maken.", "Getest volgens de Europese veiligheidsnormen."),
        },
    },
    "bikes": {
        "nouns": {"city-bike": ("Bicicleta de cidade", "f", "stadsfiets", "de"), "e-bike": ("Bicicleta elétrica", "f", "elektrische fiets", "de"),
                  "gravel": ("Bicicleta gravel", "f", "gravelbike", "de"), "kids-bike": ("Bicicleta de criança", "f", "kinderfiets", "de")},
        "variants": {"aluminium": ("em alumínio", "met aluminium frame"), "steel": ("em aço", "met stalen frame"),
                     "carbon": ("em carbono", "met carbon frame")},
        "pitch": {
            "pt": ("Montada e afinada por um mecânico.", "Travões de disco hidráulicos.", "Inclui luzes e guarda-lamas."),
            "nl": ("Gemonteerd en afgesteld door een fietsenmaker.", "Hydraulische schijfremmen.", "Geleverd met verlichting en spatborden."),
        },
    },
    "diy-tools": {
        "nouns": {"drill": ("Berbequim aparafusador sem fios", "m", "accuboormachine", "de"),
                  "screwdriver-set": ("Conjunto de chaves de fendas", "m", "schroevendraaierset", "de"),
                  "hammer": ("Martelo de orelhas", "m", "klauwhamer", "de"), "sander": ("Lixadora orbital", "f", "excenterschuurmachine", "de")},
        "variants": {"18v": ("18 V", "18 V"), "pro": ("profissional/profissional/profissionais/profissionais", "professioneel/professionele"),
                     "compact": ("compacto/compacta/compactos/compactas", "compact/compacte")},
        "pitch": {
            "pt": ("Garantia de dois anos.", "Pega equilibrada para trabalhos demorados.", "Peças de substituição disponíveis durante dez anos."),
            "nl": ("Twee jaar garantie.", "Goed uitgebalanceerde greep voor lange klussen.", "Onderdelen tien jaar lang leverbaar."),
        },
    },
    "stationery": {
        "nouns": {"notebook": ("Caderno", "m", "notitieboek", "het"), "fountain-pen": ("Caneta de tinta permanente", "f", "vulpen", "de"),
                  "pencil-set": ("Lápis de cor", "mp", "kleurpotloden", "p"), "planner": ("Agenda semanal", "f", "weekplanner", "de")},
        "variants": {"recycled": ("em papel reciclado", "van gerecycled papier"), "leather": ("em pele", "leren/leren"),
                     "classic": ("clássico/clássica/clássicos/clássicas", "klassiek/klassieke")},
        "pitch": {
            "pt": ("Papel liso que não deixa passar a tinta.", "Fabricado na Europa.", "Um clássico na escola e no escritório."),
            "nl": ("Glad papier waar de inkt niet doorheen drukt.", "Gemaakt in Europa.", "Een klassieker op school en op kantoor."),
        },
    },
}

_FORMS_PT = ("m", "f", "mp", "fp")


def agree_pt(adjective: str, gender: str) -> str:
    """A Portuguese adjective written "m/f/mp/fp" (or invariable) agreed with a noun of ``gender``."""
    forms = adjective.split("/")
    return forms[_FORMS_PT.index(gender)] if len(forms) == 4 else adjective


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def noun_phrase_nl(noun: str, article: str, variant: str) -> str:
    """The Dutch noun with its variant, capitalised: an adjective ("base/inflected") before the noun,
    inflected before a "de" word or a plural, base before a singular "het" word; a phrase after it."""
    if "/" in variant:
        base, inflected = variant.split("/")
        return cap(f"{base if article == 'het' else inflected} {noun}")
    return cap(f"{noun} {variant}")


def variant_nl(noun_article: str, variant: str) -> str:
    """The Dutch variant on its own (an attribute value), agreed like in the title."""
    if "/" in variant:
        base, inflected = variant.split("/")
        return cap(base if noun_article == "het" else inflected)
    return cap(variant)

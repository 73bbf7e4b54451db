"""Vocabularies the demo catalogue is composed from (brand × product noun × attributes).

Everything here is plain data in three languages (fr, es, en), the category names in all seven
catalogue languages; the German and Italian product words are in ``vocab_de_it``, the Portuguese
and Dutch ones in ``vocab_pt_nl``. Brand names are invented; each
brand owns a GS1-style company prefix (country prefix + 4 digits) so that the GTINs of the demo
catalogue are recognisable (`DEMO_COMPANY_PREFIXES`) and never collide with each other.
"""
from __future__ import annotations

from dataclasses import dataclass



@dataclass(frozen=True)
class Noun:
    """A product noun: `fr`/`es` carry a grammatical gender and number ("m", "f", "mp", "fp")
    for adjective agreement. Variant adjectives that agree are written "masc/fem"."""

    key: str
    en: str
    fr: str
    fr_gender: str
    es: str
    es_gender: str
    base_price: int  # net, minor units (EUR cents)
    shape: str  # icon drawn on the picture


@dataclass(frozen=True)
class Variant:
    """A material, format or flavour: (en, fr, es) phrases and a price factor in percent."""

    key: str
    en: str
    fr: str
    es: str
    price_pct: int = 100


@dataclass(frozen=True)
class Leaf:
    slug: str
    names: dict[str, str]
    parent: str | None
    tax_class: str
    colour: tuple[int, int, int]  # picture background
    nouns: tuple[Noun, ...]
    variants: tuple[Variant, ...]
    sizes: tuple[str, ...]
    coloured: bool  # whether products come in colours
    brands: tuple[str, ...]
    pitch: dict[str, tuple[str, ...]]  # one selling sentence per language, picked at random


# Parent categories (no products of their own).
PARENTS: dict[str, dict[str, str]] = {
    "home-kitchen": {"en": "Home & Kitchen", "fr": "Maison & cuisine", "es": "Hogar y cocina", "de": "Haus & Küche", "it": "Casa e cucina", "pt": "Casa e cozinha", "nl": "Huis & keuken"},
    "sports": {"en": "Sports", "fr": "Sports", "es": "Deportes", "de": "Sport", "it": "Sport", "pt": "Desporto", "nl": "Sport"},
    "electronics": {"en": "Electronics", "fr": "High-tech", "es": "Electrónica", "de": "Elektronik", "it": "Elettronica", "pt": "Eletrónica", "nl": "Elektronica"},
}

# Colours: en, fr (masc, fem), es (masc, fem), RGB for the picture.
COLOURS: dict[str, tuple[str, tuple[str, str], tuple[str, str], tuple[int, int, int]]] = {
    "black": ("Black", ("noir", "noire"), ("negro", "negra"), (33, 33, 33)),
    "white": ("White", ("blanc", "blanche"), ("blanco", "blanca"), (245, 245, 245)),
    "red": ("Red", ("rouge", "rouge"), ("rojo", "roja"), (200, 40, 40)),
    "blue": ("Blue", ("bleu", "bleue"), ("azul", "azul"), (40, 90, 190)),
    "green": ("Green", ("vert", "verte"), ("verde", "verde"), (50, 140, 70)),
    "grey": ("Grey", ("gris", "grise"), ("gris", "gris"), (130, 130, 130)),
    "yellow": ("Yellow", ("jaune", "jaune"), ("amarillo", "amarilla"), (240, 200, 40)),
    "orange": ("Orange", ("orange", "orange"), ("naranja", "naranja"), (240, 130, 30)),
}

V = Variant
N = Noun

LEAVES: tuple[Leaf, ...] = (
    Leaf(
        "cookware", {"en": "Cookware", "fr": "Ustensiles de cuisson", "es": "Menaje de cocina", "de": "Kochgeschirr", "it": "Pentole", "pt": "Trens de cozinha", "nl": "Kookgerei"}, "home-kitchen",
        "standard", (226, 114, 91),
        (
            N("frying-pan", "Frying Pan", "Poêle", "f", "Sartén", "f", 3490, "pan"),
            N("saucepan", "Saucepan", "Casserole", "f", "Cazo", "m", 2990, "pan"),
            N("wok", "Wok", "Wok", "m", "Wok", "m", 3990, "pan"),
            N("casserole", "Casserole Dish", "Cocotte", "f", "Cacerola", "f", 6990, "pot"),
            N("stockpot", "Stockpot", "Faitout", "m", "Olla", "f", 4490, "pot"),
        ),
        (
            V("cast-iron", "Cast-Iron", "en fonte", "de hierro fundido", 140),
            V("stainless", "Stainless Steel", "en inox", "de acero inoxidable", 110),
            V("non-stick", "Non-Stick", "antiadhésif/antiadhésive", "antiadherente", 100),
            V("copper", "Copper", "en cuivre", "de cobre", 180),
        ),
        ("20 cm", "24 cm", "28 cm", "32 cm"), True,
        ("Cuisor", "Ferrand", "Olla Viva", "Pentolino", "Kochwerk", "Hearthly"),
        {
            "en": ("Suitable for all hobs, including induction.", "Even heat, easy to clean.", "Built to last for years of daily cooking."),
            "fr": ("Compatible tous feux, induction comprise.", "Chaleur homogène, nettoyage facile.", "Conçu pour des années de cuisine au quotidien."),
            "es": ("Apto para todas las cocinas, incluida la inducción.", "Calor uniforme, fácil de limpiar.", "Hecho para durar años de uso diario."),
        },
    ),
    Leaf(
        "running-shoes", {"en": "Running shoes", "fr": "Chaussures de running", "es": "Zapatillas de running", "de": "Laufschuhe", "it": "Scarpe da running", "pt": "Sapatilhas de corrida", "nl": "Hardloopschoenen"}, "sports",
        "standard", (70, 130, 180),
        (
            N("road", "Road Running Shoes", "Chaussures de running route", "fp", "Zapatillas de running asfalto", "fp", 8990, "shoe"),
            N("trail", "Trail Running Shoes", "Chaussures de trail", "fp", "Zapatillas de trail", "fp", 10990, "shoe"),
            N("racing", "Racing Flats", "Chaussures de compétition", "fp", "Zapatillas de competición", "fp", 12990, "shoe"),
        ),
        (
            V("men", "Men's", "homme", "hombre"),
            V("women", "Women's", "femme", "mujer"),
            V("unisex", "Unisex", "mixte/mixte", "unisex", 95),
        ),
        ("EU 38", "EU 39", "EU 40", "EU 41", "EU 42", "EU 43", "EU 44", "EU 45"), True,
        ("Stridea", "Correvia", "Laufwerk", "Pistard", "Swiftfoot"),
        {
            "en": ("Cushioned midsole and breathable mesh upper.", "Grippy outsole for wet roads.", "Light enough for race day."),
            "fr": ("Semelle amortissante et tige en mesh respirant.", "Semelle adhérente sur route mouillée.", "Assez légère pour le jour de la course."),
            "es": ("Mediasuela amortiguada y malla transpirable.", "Suela con agarre en asfalto mojado.", "Ligeras para el día de la carrera."),
        },
    ),
    Leaf(
        "books", {"en": "Books", "fr": "Livres", "es": "Libros", "de": "Bücher", "it": "Libri", "pt": "Livros", "nl": "Boeken"}, None,
        "books", (150, 110, 70),
        (
            N("cookbook", "Cookbook", "Livre de cuisine", "m", "Libro de cocina", "m", 2290, "book"),
            N("novel", "Novel", "Roman", "m", "Novela", "f", 1890, "book"),
            N("travel-guide", "Travel Guide", "Guide de voyage", "m", "Guía de viaje", "f", 1690, "book"),
            N("comic", "Comic Book", "Bande dessinée", "f", "Cómic", "m", 1490, "book"),
            N("garden-guide", "Gardening Handbook", "Manuel de jardinage", "m", "Manual de jardinería", "m", 1990, "book"),
        ),
        (
            V("paperback", "Paperback", "broché/brochée", "tapa blanda", 100),
            V("hardcover", "Hardcover", "relié/reliée", "tapa dura", 150),
        ),
        ("160 pages", "224 pages", "320 pages", "480 pages"), False,
        ("Éditions Bellerive", "Ediciones Alameda", "Libri del Ponte", "Lindenverlag", "Inkwell Press"),
        {
            "en": ("A favourite of independent booksellers.", "Illustrated throughout.", "Now in a new edition."),
            "fr": ("Un coup de cœur des libraires indépendants.", "Entièrement illustré.", "Nouvelle édition revue."),
            "es": ("Un favorito de las librerías independientes.", "Ilustrado a todo color.", "Nueva edición revisada."),
        },
    ),
    Leaf(
        "toys", {"en": "Toys", "fr": "Jouets", "es": "Juguetes", "de": "Spielzeug", "it": "Giocattoli", "pt": "Brinquedos", "nl": "Speelgoed"}, None,
        "standard", (245, 170, 60),
        (
            N("building-set", "Building Set", "Jeu de construction", "m", "Juego de construcción", "m", 3990, "blocks"),
            N("plush", "Plush Bear", "Ours en peluche", "m", "Oso de peluche", "m", 1990, "bear"),
            N("puzzle", "Jigsaw Puzzle", "Puzzle", "m", "Puzle", "m", 1490, "blocks"),
            N("wooden-train", "Wooden Train", "Train en bois", "m", "Tren de madera", "m", 3490, "train"),
            N("board-game", "Board Game", "Jeu de société", "m", "Juego de mesa", "m", 2990, "blocks"),
        ),
        (
            V("classic", "Classic", "classique/classique", "clásico/clásica"),
            V("deluxe", "Deluxe", "édition deluxe", "edición de lujo", 160),
        ),
        ("3+ years", "6+ years", "8+ years", "12+ years"), True,
        ("Ludimo", "Juguetia", "Giocando", "Spielfreund", "Tinkerly"),
        {
            "en": ("Meets EN 71 toy safety standards.", "Hours of creative play.", "A gift children keep for years."),
            "fr": ("Conforme à la norme de sécurité EN 71.", "Des heures de jeu créatif.", "Un cadeau que l'on garde longtemps."),
            "es": ("Cumple la norma de seguridad EN 71.", "Horas de juego creativo.", "Un regalo que dura años."),
        },
    ),
    Leaf(
        "headphones", {"en": "Headphones", "fr": "Casques et écouteurs", "es": "Auriculares", "de": "Kopfhörer", "it": "Cuffie e auricolari", "pt": "Auscultadores", "nl": "Koptelefoons"}, "electronics",
        "standard", (90, 90, 140),
        (
            N("over-ear", "Over-Ear Headphones", "Casque circum-auriculaire", "m", "Auriculares de diadema", "mp", 12990, "headphones"),
            N("earbuds", "Wireless Earbuds", "Écouteurs sans fil", "mp", "Auriculares inalámbricos", "mp", 7990, "earbuds"),
            N("on-ear", "On-Ear Headphones", "Casque supra-auriculaire", "m", "Auriculares supraaurales", "mp", 6990, "headphones"),
        ),
        (
            V("bluetooth", "Bluetooth", "Bluetooth", "Bluetooth", 100),
            V("anc", "Noise-Cancelling", "à réduction de bruit", "con cancelación de ruido", 160),
            V("wired", "Wired", "filaire/filaire", "con cable", 70),
        ),
        ("20 h battery", "30 h battery", "40 h battery"), True,
        ("Sonora", "Audiel", "Klangwerk", "Ecovox", "Hushline"),
        {
            "en": ("Rich bass and clear voices.", "Fast charging: 10 minutes for 3 hours.", "Foldable, with a travel case."),
            "fr": ("Basses riches et voix claires.", "Charge rapide : 10 minutes pour 3 heures.", "Pliable, avec étui de voyage."),
            "es": ("Graves potentes y voces claras.", "Carga rápida: 10 minutos para 3 horas.", "Plegables, con estuche de viaje."),
        },
    ),
    Leaf(
        "garden", {"en": "Garden", "fr": "Jardin", "es": "Jardín", "de": "Garten", "it": "Giardino", "pt": "Jardim", "nl": "Tuin"}, None,
        "standard", (90, 160, 80),
        (
            N("planter", "Planter", "Jardinière", "f", "Jardinera", "f", 2490, "pot"),
            N("hose", "Garden Hose", "Tuyau d'arrosage", "m", "Manguera de jardín", "f", 2990, "hose"),
            N("pruner", "Pruning Shears", "Sécateur", "m", "Tijeras de podar", "fp", 1990, "tool"),
            N("watering-can", "Watering Can", "Arrosoir", "m", "Regadera", "f", 1490, "pot"),
        ),
        (
            V("recycled", "Recycled Plastic", "en plastique recyclé", "de plástico reciclado", 90),
            V("metal", "Metal", "en métal", "de metal", 130),
            V("terracotta", "Terracotta", "en terre cuite", "de terracota", 120),
        ),
        ("S", "M", "L", "XL"), True,
        ("Verdalia", "Jardinor", "Ortofiore", "Gartenglück", "Greenmoss"),
        {
            "en": ("Frost and UV resistant.", "Made to be left outdoors all year.", "Light and easy to handle."),
            "fr": ("Résiste au gel et aux UV.", "Peut rester dehors toute l'année.", "Léger et facile à manier."),
            "es": ("Resistente a las heladas y a los rayos UV.", "Puede quedarse fuera todo el año.", "Ligero y fácil de manejar."),
        },
    ),
    Leaf(
        "beauty", {"en": "Beauty", "fr": "Beauté", "es": "Belleza", "de": "Schönheit", "it": "Bellezza", "pt": "Beleza", "nl": "Verzorging"}, None,
        "standard", (220, 140, 170),
        (
            N("face-cream", "Face Cream", "Crème visage", "f", "Crema facial", "f", 2490, "jar"),
            N("shampoo", "Shampoo", "Shampooing", "m", "Champú", "m", 890, "bottle"),
            N("soap", "Soap Bar", "Savon", "m", "Jabón", "m", 590, "jar"),
            N("perfume", "Eau de Parfum", "Eau de parfum", "f", "Eau de parfum", "m", 5490, "bottle"),
        ),
        (
            V("lavender", "Lavender", "à la lavande", "de lavanda"),
            V("olive", "Olive Oil", "à l'huile d'olive", "de aceite de oliva"),
            V("rose", "Rose", "à la rose", "de rosa", 110),
            V("unscented", "Unscented", "sans parfum", "sin perfume", 95),
        ),
        ("50 ml", "100 ml", "250 ml", "500 ml"), False,
        ("Belleflore", "Marisol", "Olivella", "Hautnah", "Glowell"),
        {
            "en": ("Made with 95% ingredients of natural origin.", "Dermatologically tested.", "Vegan formula, not tested on animals."),
            "fr": ("95 % d'ingrédients d'origine naturelle.", "Testé sous contrôle dermatologique.", "Formule vegan, non testée sur les animaux."),
            "es": ("95 % de ingredientes de origen natural.", "Testado dermatológicamente.", "Fórmula vegana, no testada en animales."),
        },
    ),
    Leaf(
        "food-drinks", {"en": "Food & Drinks", "fr": "Épicerie & boissons", "es": "Alimentación y bebidas", "de": "Lebensmittel & Getränke", "it": "Alimentari e bevande", "pt": "Alimentação e bebidas", "nl": "Eten & drinken"}, None,
        "food", (200, 160, 60),
        (
            N("olive-oil", "Olive Oil", "Huile d'olive", "f", "Aceite de oliva", "m", 1290, "bottle"),
            N("coffee", "Coffee Beans", "Café en grains", "m", "Café en grano", "m", 990, "bag"),
            N("honey", "Honey", "Miel", "m", "Miel", "f", 890, "jar"),
            N("tea", "Green Tea", "Thé vert", "m", "Té verde", "m", 690, "bag"),
            N("chocolate", "Dark Chocolate", "Chocolat noir", "m", "Chocolate negro", "m", 390, "bar"),
        ),
        (
            V("organic", "Organic", "bio", "ecológico/ecológica", 130),
            V("classic", "Classic", "classique/classique", "clásico/clásica"),
            V("local", "Farm", "fermier/fermière", "de granja", 120),
        ),
        ("100 g", "250 g", "500 g", "1 kg"), False,
        ("Terroir d'Oc", "Sabores del Sur", "Dolce Colle", "Hofgut", "Goodharvest"),
        {
            "en": ("From small producers we know by name.", "Best before 12 months after packing.", "Harvested and packed in Europe."),
            "fr": ("De petits producteurs que nous connaissons.", "À consommer de préférence dans les 12 mois.", "Récolté et conditionné en Europe."),
            "es": ("De pequeños productores que conocemos.", "Consumir preferentemente en 12 meses.", "Cosechado y envasado en Europa."),
        },
    ),
    Leaf(
        "baby", {"en": "Baby", "fr": "Bébé", "es": "Bebé", "de": "Baby", "it": "Neonati", "pt": "Bebé", "nl": "Baby"}, None,
        "standard", (150, 200, 220),
        (
            N("bottle", "Baby Bottle", "Biberon", "m", "Biberón", "m", 1290, "bottle"),
            N("bodysuit", "Bodysuit", "Body", "m", "Body", "m", 990, "shirt"),
            N("blanket", "Swaddle Blanket", "Lange", "m", "Muselina", "f", 1490, "blocks"),
            N("stroller", "Stroller", "Poussette", "f", "Cochecito", "m", 29990, "stroller"),
        ),
        (
            V("cotton", "Organic Cotton", "en coton bio", "de algodón orgánico", 120),
            V("bamboo", "Bamboo", "en bambou", "de bambú", 130),
            V("standard", "Essential", "essentiel/essentielle", "esencial/esencial"),
        ),
        ("0-3 months", "3-6 months", "6-12 months", "One size"), True,
        ("Petitou", "Bebelino", "Nidino", "Kinderstern", "Snugglet"),
        {
            "en": ("Gentle on sensitive skin.", "BPA-free and easy to clean.", "Tested to European safety standards."),
            "fr": ("Doux pour les peaux sensibles.", "Sans BPA et facile à nettoyer.", "Testé selon les normes de sécurité européennes."),
            "es": ("Suave con las pieles sensibles.", "Sin BPA y fácil de limpiar.", "Probado según las normas europeas de seguridad."),
        },
    ),
    Leaf(
        "bikes", {"en": "Bikes", "fr": "Vélos", "es": "Bicicletas", "de": "Fahrräder", "it": "Biciclette", "pt": "Bicicletas", "nl": "Fietsen"}, "sports",
        "standard", (60, 160, 160),
        (
            N("city-bike", "City Bike", "Vélo de ville", "m", "Bicicleta urbana", "f", 39990, "bike"),
            N("e-bike", "Electric Bike", "Vélo électrique", "m", "Bicicleta eléctrica", "f", 149990, "bike"),
            N("gravel", "Gravel Bike", "Vélo gravel", "m", "Bicicleta gravel", "f", 89990, "bike"),
            N("kids-bike", "Kids' Bike", "Vélo enfant", "m", "Bicicleta infantil", "f", 19990, "bike"),
        ),
        (
            V("aluminium", "Aluminium", "en aluminium", "de aluminio"),
            V("steel", "Steel", "en acier", "de acero", 90),
            V("carbon", "Carbon", "en carbone", "de carbono", 190),
        ),
        ("S", "M", "L", "XL"), True,
        ("Velorue", "Rodamiento", "Biciclo", "Radwerk", "Pedalwise"),
        {
            "en": ("Assembled and adjusted by a mechanic.", "Hydraulic disc brakes.", "Comes with lights and mudguards."),
            "fr": ("Monté et réglé par un mécanicien.", "Freins à disque hydrauliques.", "Livré avec éclairage et garde-boue."),
            "es": ("Montada y ajustada por un mecánico.", "Frenos de disco hidráulicos.", "Incluye luces y guardabarros."),
        },
    ),
    Leaf(
        "diy-tools", {"en": "DIY tools", "fr": "Bricolage", "es": "Bricolaje", "de": "Heimwerken", "it": "Fai da te", "pt": "Bricolage", "nl": "Klussen"}, None,
        "standard", (230, 180, 30),
        (
            N("drill", "Cordless Drill", "Perceuse sans fil", "f", "Taladro inalámbrico", "m", 8990, "tool"),
            N("screwdriver-set", "Screwdriver Set", "Jeu de tournevis", "m", "Juego de destornilladores", "m", 2490, "tool"),
            N("hammer", "Claw Hammer", "Marteau", "m", "Martillo", "m", 1790, "tool"),
            N("sander", "Orbital Sander", "Ponceuse orbitale", "f", "Lijadora orbital", "f", 6990, "tool"),
        ),
        (
            V("18v", "18 V", "18 V", "18 V", 100),
            V("pro", "Pro", "pro", "profesional/profesional", 150),
            V("compact", "Compact", "compact/compacte", "compacto/compacta", 85),
        ),
        ("1 piece", "Set of 3", "Set of 6"), True,
        ("Outilor", "Ferretto", "Attrezzi Uno", "Werkmeister", "Toolcraft"),
        {
            "en": ("Two-year warranty.", "Balanced grip for long jobs.", "Spare parts available for ten years."),
            "fr": ("Garantie deux ans.", "Prise en main équilibrée pour les longs chantiers.", "Pièces détachées disponibles dix ans."),
            "es": ("Garantía de dos años.", "Agarre equilibrado para trabajos largos.", "Recambios disponibles durante diez años."),
        },
    ),
    Leaf(
        "stationery", {"en": "Stationery", "fr": "Papeterie", "es": "Papelería", "de": "Schreibwaren", "it": "Cartoleria", "pt": "Papelaria", "nl": "Kantoorartikelen"}, None,
        "standard", (120, 100, 180),
        (
            N("notebook", "Notebook", "Carnet", "m", "Cuaderno", "m", 990, "book"),
            N("fountain-pen", "Fountain Pen", "Stylo plume", "m", "Pluma estilográfica", "f", 2490, "pen"),
            N("pencil-set", "Colouring Pencils", "Crayons de couleur", "mp", "Lápices de colores", "mp", 1290, "pen"),
            N("planner", "Weekly Planner", "Agenda semainier", "m", "Agenda semanal", "f", 1490, "book"),
        ),
        (
            V("recycled", "Recycled Paper", "en papier recyclé", "de papel reciclado"),
            V("leather", "Leather", "en cuir", "de piel", 180),
            V("classic", "Classic", "classique/classique", "clásico/clásica"),
        ),
        ("A6", "A5", "A4", "Pack of 12"), True,
        ("Papeterie Lumen", "Papelia", "Cartolino", "Schreibgut", "Quillmark"),
        {
            "en": ("Smooth paper that does not bleed.", "Made in Europe.", "A classic at school and at the office."),
            "fr": ("Papier doux qui ne traverse pas.", "Fabriqué en Europe.", "Un classique à l'école comme au bureau."),
            "es": ("Papel suave que no traspasa.", "Fabricado en Europa.", "Un clásico en la escuela y en la oficina."),
        },
    ),
)

# GS1 country prefixes for the brands' company prefixes: brand index i in a leaf → country.
GS1_PREFIX = {"FR": "300", "ES": "840", "IT": "800", "DE": "400", "CN": "690", "GB": "500"}
BRAND_COUNTRIES = ("FR", "ES", "IT", "DE", "GB", "CN")


def brand_company_prefix(leaf_index: int, brand_index: int) -> str:
    """A 7-digit GS1-style company prefix, unique per (leaf, brand)."""
    country = BRAND_COUNTRIES[brand_index % len(BRAND_COUNTRIES)]
    return f"{GS1_PREFIX[country]}9{leaf_index:02d}{brand_index:01d}"


DEMO_COMPANY_PREFIXES: tuple[str, ...] = tuple(
    brand_company_prefix(li, bi) for li, leaf in enumerate(LEAVES) for bi in range(len(leaf.brands))
)

# Seller naming per country: legal-form suffix and trade words.
SELLER_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "FR": (("Atelier", "Maison", "Comptoir", "Boutique", "Bazar"), ("Martin", "Bernard", "Dubois", "Laurent", "Lefebvre", "Moreau", "Garnier", "Rousseau", "Fontaine", "Chevalier"), "SARL"),
    "ES": (("Comercial", "Tienda", "Almacenes", "Bazar", "Casa"), ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Ruiz", "Serrano", "Molina"), "S.L."),
    "IT": (("Bottega", "Emporio", "Casa", "Negozio", "Officina"), ("Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti"), "S.r.l."),
    "DE": (("Handelshaus", "Laden", "Kontor", "Werkstatt", "Markt"), ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter"), "GmbH"),
    "CN": (("Trading", "Commerce", "Industrial", "Technology", "Import & Export"), ("Huaxin", "Jinlong", "Hengtai", "Xinyuan", "Tianrui", "Baofeng", "Yongsheng", "Ruida", "Kaiyue", "Mingda"), "Co., Ltd."),
}

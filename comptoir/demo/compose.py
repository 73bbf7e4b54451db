"""Product titles, descriptions and prices composed from the vocabularies (pure, no ORM)."""
from __future__ import annotations

import random
from dataclasses import dataclass

from .vocab import COLOURS, Leaf, Noun, Variant
from .vocab_de_it import COLOURS_DE_IT, LEAF_WORDS, SIZE_WORDS_DE_IT, agree_it
from .vocab_pt_nl import COLOURS_PT_NL, LEAF_WORDS_PT_NL, SIZE_WORDS_PT_NL, agree_pt, noun_phrase_nl, variant_nl

# Sizes are written in English in the vocabulary; these words are translated for fr / es.
_SIZE_WORDS = {
    "fr": (("One size", "Taille unique"), ("Set of", "Lot de"), ("Pack of", "Lot de"), ("piece", "pièce"),
           ("h battery", "h d'autonomie"), ("years", "ans"), ("months", "mois"), ("pages", "pages")),
    "es": (("One size", "Talla única"), ("Set of", "Juego de"), ("Pack of", "Paquete de"), ("piece", "pieza"),
           ("h battery", "h de autonomía"), ("years", "años"), ("months", "meses"), ("pages", "páginas")),
    **SIZE_WORDS_DE_IT,
    **SIZE_WORDS_PT_NL,
}
# Leaves whose price grows with the size (capacity, pages, set size); sizes elsewhere are fits.
_PRICE_GROWS_WITH_SIZE = {"cookware", "books", "beauty", "food-drinks", "diy-tools", "stationery", "headphones", "toys"}


def size_label(size: str, language: str) -> str:
    for en, local in _SIZE_WORDS.get(language, ()):
        size = size.replace(en, local)
    return size


def _plural_fr(word: str) -> str:
    return word if word.endswith(("s", "x")) or word == "orange" else word + "s"


def _plural_es(word: str) -> str:
    return word + "s" if word[-1] in "aeiou" else word + "es"


def agree(adjective: str, language: str, gender: str) -> str:
    """An adjective written "masc/fem" (or invariable) agreed with a noun of `gender`
    ("m", "f", "mp", "fp")."""
    if "/" not in adjective:
        return adjective
    masc, fem = adjective.split("/")
    word = fem if gender.startswith("f") else masc
    if gender.endswith("p"):
        word = _plural_fr(word) if language == "fr" else _plural_es(word)
    return word


def colour_word(colour: str, language: str, gender: str) -> str:
    en, fr, es, _rgb = COLOURS[colour]
    if language == "en":
        return en
    pair = fr if language == "fr" else es
    return agree(f"{pair[0]}/{pair[1]}", language, gender)


@dataclass(frozen=True)
class ProductDraft:
    """Everything about one demo product, before it has a database id."""

    leaf_index: int
    noun_index: int
    brand_index: int
    brand: str
    colour: str | None
    variant: Variant
    size: str
    base_price: int
    texts: dict[str, tuple[str, str]]  # language -> (title, description)
    attributes: dict[str, dict[str, str]]  # key -> {language: value}, see attribute_values()


def product_texts(leaf: Leaf, noun: Noun, variant: Variant, brand: str, size: str, colour: str | None,
                  picks: list[int]) -> dict[str, tuple[str, str]]:
    """The title and description in the seven catalogue languages; `picks`: the two selling
    sentences of the leaf (indexes into its pitch lists)."""
    pitches = {lang: [leaf.pitch[lang][i] for i in picks] for lang in ("fr", "es", "en")}
    texts = {}
    for lang in ("fr", "es", "en"):
        size_text = size_label(size, lang)
        if lang == "en":
            title = f"{brand} {variant.en} {noun.en}, {size_text}"
            if colour:
                title += f", {colour_word(colour, 'en', 'm')}"
            facts = [f"Brand: {brand}.", f"Size: {size_text}."]
            if colour:
                facts.insert(1, f"Colour: {colour_word(colour, 'en', 'm')}.")
            lead = f"{noun.en} – {variant.en}."
        else:
            noun_word = noun.fr if lang == "fr" else noun.es
            gender = noun.fr_gender if lang == "fr" else noun.es_gender
            variant_word = agree(variant.fr if lang == "fr" else variant.es, lang, gender)
            title = f"{noun_word} {variant_word} {brand} – {size_text}"
            if colour:
                title += f", {colour_word(colour, lang, gender)}"
            label = {"fr": ("Marque", "Couleur", "Taille", " :"), "es": ("Marca", "Color", "Talla", ":")}[lang]
            facts = [f"{label[0]}{label[3]} {brand}.", f"{label[2]}{label[3]} {size_text}."]
            if colour:
                facts.insert(1, f"{label[1]}{label[3]} {colour_word(colour, lang, 'm')}.")
            lead = f"{noun_word} {variant_word}."
        description = " ".join([lead, *pitches[lang], *facts])
        texts[lang] = (title[:250], description)
    texts.update(_texts_de_it(leaf, noun, variant, brand, size, colour, picks))
    texts.update(_texts_pt_nl(leaf, noun, variant, brand, size, colour, picks))
    return texts


def _texts_de_it(leaf: Leaf, noun: Noun, variant: Variant, brand: str, size: str, colour: str | None,
                 picks: list[int]) -> dict[str, tuple[str, str]]:
    """The German and Italian title and description: "Trail-Laufschuhe für Damen Laufwerk – EU 40,
    Blau", "Scarpe da trail da donna Laufwerk – EU 40, blu"."""
    words = LEAF_WORDS[leaf.slug]
    noun_de, noun_it, gender_it = words["nouns"][noun.key]
    variant_de, variant_it = words["variants"][variant.key]
    variant_it = agree_it(variant_it, gender_it)
    texts = {}
    for lang, noun_word, variant_word, labels in (
        ("de", noun_de, variant_de, ("Marke", "Farbe", "Größe")),
        ("it", noun_it, variant_it, ("Marca", "Colore", "Taglia")),
    ):
        size_text = size_label(size, lang)
        title = f"{noun_word} {variant_word} {brand} – {size_text}"
        facts = [f"{labels[0]}: {brand}.", f"{labels[2]}: {size_text}."]
        if colour:
            colour_de, colour_it = COLOURS_DE_IT[colour]
            title += f", {colour_de if lang == 'de' else agree_it(colour_it, gender_it)}"
            facts.insert(1, f"{labels[1]}: {colour_de if lang == 'de' else agree_it(colour_it, 'm')}.")
        lead = f"{noun_word} {variant_word}."
        description = " ".join([lead, *(words["pitch"][lang][i] for i in picks), *facts])
        texts[lang] = (title[:250], description)
    return texts


def _texts_pt_nl(leaf: Leaf, noun: Noun, variant: Variant, brand: str, size: str, colour: str | None,
                 picks: list[int]) -> dict[str, tuple[str, str]]:
    """The Portuguese and Dutch title and description: "Sapatilhas de trail para mulher Laufwerk –
    EU 40, azuis", "Trailschoenen voor dames Laufwerk – EU 40, blauw", "Gietijzeren koekenpan …"."""
    words = LEAF_WORDS_PT_NL[leaf.slug]
    noun_pt, gender_pt, noun_nl, article_nl = words["nouns"][noun.key]
    variant_pt, variant_nl_word = words["variants"][variant.key]
    colour_pt, colour_nl = COLOURS_PT_NL[colour] if colour else ("", "")
    texts = {}
    for lang, phrase, colour_title, colour_fact, labels in (
        ("pt", f"{noun_pt} {agree_pt(variant_pt, gender_pt)}", agree_pt(colour_pt, gender_pt), agree_pt(colour_pt, "m"),
         ("Marca", "Cor", "Tamanho")),
        ("nl", noun_phrase_nl(noun_nl, article_nl, variant_nl_word), colour_nl, colour_nl, ("Merk", "Kleur", "Maat")),
    ):
        size_text = size_label(size, lang)
        title = f"{phrase} {brand} – {size_text}"
        facts = [f"{labels[0]}: {brand}.", f"{labels[2]}: {size_text}."]
        if colour:
            title += f", {colour_title}"
            facts.insert(1, f"{labels[1]}: {colour_fact}.")
        description = " ".join([f"{phrase}.", *(words["pitch"][lang][i] for i in picks), *facts])
        texts[lang] = (title[:250], description)
    return texts


def attribute_values(noun: Noun, variant: Variant, size: str, colour: str | None,
                     leaf_slug: str | None = None) -> dict[str, dict[str, str]]:
    """The product's attributes with their value in each language, like its titles:
    {"type": {"en": "Frying Pan", "fr": "Poêle", "es": "Sartén"}, "colour": {"en": "Red", "fr": "Rouge", …}, …}.
    The product page shows the buyer's language (attribute names are UI labels)."""
    def cap(text: str) -> str:
        return text[:1].upper() + text[1:]

    attributes = {
        "type": {"en": noun.en, "fr": noun.fr, "es": noun.es},
        "variant": {
            "en": variant.en,
            "fr": cap(agree(variant.fr, "fr", noun.fr_gender)),
            "es": cap(agree(variant.es, "es", noun.es_gender)),
        },
        "size": {lang: size_label(size, lang) for lang in ("en", "fr", "es")},
    }
    if colour:
        attributes["colour"] = {lang: cap(colour_word(colour, lang, "m")) for lang in ("en", "fr", "es")}
    if leaf_slug is not None:  # German, Italian, Portuguese and Dutch, from the leaf's words
        words = LEAF_WORDS[leaf_slug]
        noun_de, noun_it, gender_it = words["nouns"][noun.key]
        variant_de, variant_it = words["variants"][variant.key]
        attributes["type"].update(de=noun_de, it=noun_it)
        attributes["variant"].update(de=cap(variant_de), it=cap(agree_it(variant_it, gender_it)))
        attributes["size"].update({lang: size_label(size, lang) for lang in ("de", "it")})
        if colour:
            colour_de, colour_it = COLOURS_DE_IT[colour]
            attributes["colour"].update(de=colour_de, it=cap(agree_it(colour_it, "m")))
        # Portuguese and Dutch
        words = LEAF_WORDS_PT_NL[leaf_slug]
        noun_pt, gender_pt, noun_nl, article_nl = words["nouns"][noun.key]
        variant_pt, variant_nl_word = words["variants"][variant.key]
        attributes["type"].update(pt=noun_pt, nl=cap(noun_nl))
        attributes["variant"].update(pt=cap(agree_pt(variant_pt, gender_pt)), nl=variant_nl(article_nl, variant_nl_word))
        attributes["size"].update({lang: size_label(size, lang) for lang in ("pt", "nl")})
        if colour:
            colour_pt, colour_nl = COLOURS_PT_NL[colour]
            attributes["colour"].update(pt=cap(agree_pt(colour_pt, "m")), nl=cap(colour_nl))
    return attributes


def product_draft(rng: random.Random, leaf_index: int, leaf: Leaf) -> ProductDraft:
    """Draw one product of `leaf`: noun, variant, size, colour, brand; compose its texts."""
    noun_index = rng.randrange(len(leaf.nouns))
    noun = leaf.nouns[noun_index]
    variant = rng.choice(leaf.variants)
    size_index = rng.randrange(len(leaf.sizes))
    size = leaf.sizes[size_index]
    colour = rng.choice(tuple(COLOURS)) if leaf.coloured else None
    brand_index = rng.randrange(len(leaf.brands))
    brand = leaf.brands[brand_index]
    picks = rng.sample(range(len(leaf.pitch["en"])), 2)
    price = noun.base_price * variant.price_pct // 100
    if leaf.slug in _PRICE_GROWS_WITH_SIZE:
        price = price * (100 + 15 * size_index) // 100
    price = max(190, (price // 100) * 100 + 90)  # a shop price: …,90
    attributes = attribute_values(noun, variant, size, colour, leaf.slug)
    return ProductDraft(
        leaf_index=leaf_index, noun_index=noun_index, brand_index=brand_index, brand=brand, colour=colour,
        variant=variant, size=size, base_price=price,
        texts=product_texts(leaf, noun, variant, brand, size, colour, picks), attributes=attributes,
    )

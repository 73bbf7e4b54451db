import pytest
from django.db import connection

from comptoir.catalog.search import search_product_ids
from comptoir.catalog.services import search_index_product, search_reindex_all
from comptoir.catalog.text import MAX_QUERY_TOKENS, analyse, fold, query_tokens

from .factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    toys = make_category("toys", names={"fr": "Jouets", "es": "Juguetes", "en": "Toys"})
    shoes = make_category("shoes", names={"fr": "Chaussures", "es": "Zapatos", "en": "Shoes"})
    return {
        "sneakers": make_product(category=shoes, brand="Runa", texts={
            "es": ("Zapatillas de correr rojas", "Suela de goma"),
            "en": ("Red running sneakers", "Rubber sole"),
        }),
        "elephant": make_product(category=toys, brand="Jouéclub", texts={
            "fr": ("Éléphant en peluche", "Doux et câlin"),
            "en": ("Plush elephant", "Soft and cuddly"),
        }),
        "boots": make_product(category=shoes, brand="Hiker", texts={
            "en": ("Leather hiking boots", "Waterproof boots for walking"),
        }),
    }


def test_fold_and_analyse():
    assert fold("Éléphant ŒUVRE Straße") == "elephant oeuvre strasse"
    assert analyse("Zapatillas rojas", "es") == analyse("zapatilla roja", "es") == ["zapatill", "roj"]


def test_spanish_inflection_matches(catalogue):
    assert search_product_ids("zapatilla", "es") == [catalogue["sneakers"].pk]
    assert search_product_ids("ZAPATILLAS", "es") == [catalogue["sneakers"].pk]


def test_french_accents_are_folded_both_ways(catalogue):
    assert search_product_ids("elephant", "fr") == [catalogue["elephant"].pk]
    assert search_product_ids("éléphants", "fr") == [catalogue["elephant"].pk]
    assert search_product_ids("peluches", "fr") == [catalogue["elephant"].pk]


def test_english_stemming_and_all_words_required(catalogue):
    assert search_product_ids("hike boot", "en") == [catalogue["boots"].pk]
    assert search_product_ids("running", "en") == [catalogue["sneakers"].pk]
    assert search_product_ids("leather elephant", "en") == []


def test_buyer_language_falls_back_to_english_documents(catalogue):
    # The boots have only an English text: a Spanish buyer still finds them by it.
    assert search_product_ids("boots", "es") == [catalogue["boots"].pk]


def test_category_and_brand_are_searchable(catalogue):
    assert set(search_product_ids("shoes", "en")) == {catalogue["sneakers"].pk, catalogue["boots"].pk}
    # the boots have no Spanish text, so the Spanish category name is not in their documents
    assert search_product_ids("zapatos", "es") == [catalogue["sneakers"].pk]
    assert search_product_ids("joueclub", "fr") == [catalogue["elephant"].pk]


def test_title_ranks_above_description(catalogue):
    shoes = catalogue["sneakers"].category
    title_hit = make_product(category=shoes, texts={"en": ("Walking stick", "")})
    # "walking" is only in the boots' description
    assert search_product_ids("walking", "en") == [title_hit.pk, catalogue["boots"].pk]


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', "*", "-x", "NEAR", "OR", "AND", "NOT", "a OR b", "NEAR(a b)", "'; DROP TABLE catalog_product; --",
     "a" * 2000, "", "   ", "title:foo", "^zap", "{title}: x", "zap*", "(((", "\x00", "😀 🎉", "%_%"],
)
def test_hostile_queries_never_raise(catalogue, hostile):
    for language in ("fr", "es", "en"):
        assert isinstance(search_product_ids(hostile, language), list)


def test_operator_words_are_literals_not_operators(catalogue):
    # "boots OR elephant" would match two products if OR were an operator; as literal words
    # (all required) it matches none.
    assert search_product_ids("boots OR elephant", "en") == []
    assert search_product_ids("-boots", "en") == [catalogue["boots"].pk]


def test_query_tokens_are_capped():
    tokens = query_tokens(" ".join(f"word{i}" for i in range(50)), "en")
    assert len(tokens) == MAX_QUERY_TOKENS
    assert query_tokens("a" * 2000, "en") == ["a" * 40]


def test_reindex_all_rebuilds_after_text_change(catalogue):
    boots = catalogue["boots"]
    boots.texts.filter(language="en").update(title="Leather wellington")
    assert search_product_ids("wellington", "en") == []
    search_reindex_all()
    assert search_product_ids("wellington", "en") == [boots.pk]
    assert search_product_ids("zapatilla", "es") == [catalogue["sneakers"].pk]


def test_inactive_products_are_dropped_from_the_index(catalogue):
    boots = catalogue["boots"]
    boots.is_active = False
    boots.save()
    search_index_product(boots)
    assert search_product_ids("boots", "en") == []


@pytest.mark.parametrize(
    "text",
    ["Poêle anti-adhésive Belleflore – 24 cm, noire", "Eau de parfum sin perfume. 95 % de ingredientes",
     "ŒUVRES  complètes\u00a0de la Straße", "x¨y ﬁnal ½ tab\tnew\nline", "", "   ", "le la les", "L'éléphant d'Ivoire",
     "0\x850", "a\u3000b\u2028c"],
)
def test_analysed_text_equals_whole_text_analysis(text):
    from comptoir.catalog.text import analysed_text

    for language in ("fr", "es", "en"):
        assert analysed_text(text, language) == " ".join(analyse(text, language))


def test_analysed_text_equals_whole_text_analysis_for_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from comptoir.catalog.text import analysed_text

    @settings(max_examples=300, deadline=None)
    @given(st.text(), st.sampled_from(["fr", "es", "en"]))
    def check(text, language):
        assert analysed_text(text, language) == " ".join(analyse(text, language))

    check()


# --- bounded matches: title tier first, newest first within a tier, capped beyond the limit ---

@pytest.fixture
def lamps():
    """Five products with "lamp" in the title and three with it only in the description,
    created in this order (so ids grow: the last created is the newest)."""
    home = make_category("home", names={"en": "Home"})
    titled = [make_product(category=home, brand="Lux", texts={"en": (f"Desk lamp model {i}", "Bright")}) for i in range(5)]
    described = [make_product(category=home, brand="Lux", texts={"en": (f"Desk light model {i}", "A lamp")}) for i in range(3)]
    return titled, described


def test_matches_within_the_limit_are_all_ranked_title_matches_first(lamps):
    from comptoir.catalog.search import search_matches

    titled, described = lamps
    matches = search_matches("lamp", "en", limit=8)
    assert matches.capped is False
    ordered = matches.ordered_ids()
    assert set(ordered[:5]) == {p.pk for p in titled}
    assert set(ordered[5:]) == {p.pk for p in described}


def test_a_full_title_tier_caps_the_result_with_its_newest_matches(lamps):
    from comptoir.catalog.search import search_matches

    titled, _described = lamps
    matches = search_matches("lamp", "en", limit=3)
    assert matches.capped is True
    assert len(matches.ranks) == 3 and set(matches.ranks) <= {p.pk for p in titled}
    if connection.vendor == "sqlite":  # FTS5 reads newest first; PostgreSQL reads in table order
        assert set(matches.ranks) == {p.pk for p in titled[2:]}


def test_the_second_tier_fills_the_room_left_with_its_newest_matches(lamps):
    from comptoir.catalog.search import search_matches

    titled, described = lamps
    matches = search_matches("lamp", "en", limit=7)
    assert matches.capped is True
    assert set(matches.ordered_ids()[:5]) == {p.pk for p in titled}
    assert len(matches.ranks) == 7 and set(matches.ordered_ids()[5:]) <= {p.pk for p in described}
    if connection.vendor == "sqlite":
        assert set(matches.ordered_ids()[5:]) == {p.pk for p in described[1:]}


def test_exactly_the_limit_of_matches_is_not_capped(lamps):
    from comptoir.catalog.search import search_matches

    titled, _described = lamps
    assert search_matches("lamp model", "en", limit=8).capped is False  # "model" is in every title
    matches = search_matches("bright lamp", "en", limit=5)  # the five titled lamps only
    assert (matches.capped, set(matches.ranks)) == (False, {p.pk for p in titled})


def test_more_occurrences_rank_higher_within_a_tier():
    shoes = make_category("shoes", names={"en": "Shoes"})
    once = make_product(category=shoes, texts={"en": ("Trail shoe", "Light")})
    twice = make_product(category=shoes, texts={"en": ("Trail trail", "Light")})
    assert search_product_ids("trail", "en") == [twice.pk, once.pk]


@pytest.mark.postgres_only
def test_a_full_reindex_writes_the_postgres_documents_newest_first(lamps):
    # PostgreSQL reads a broad query's matches in table order (no ORDER BY, so the scan stops at
    # the limit): after a full reindex, that order is newest product first, as FTS5's.
    search_reindex_all()
    with connection.cursor() as cursor:
        cursor.execute("SELECT language, product_id FROM catalog_search_pg ORDER BY ctid")
        rows = cursor.fetchall()
    assert len(rows) == 8
    assert rows == sorted(rows, key=lambda r: (r[0], -r[1]))


# German, Italian, Portuguese, Dutch: each searched with its own stemming ------------------------


@pytest.fixture
def catalogue_seven():
    shoes = make_category("running-shoes", names={
        "fr": "Chaussures de course", "es": "Zapatillas de running", "en": "Running shoes",
        "de": "Laufschuhe", "it": "Scarpe da corsa", "pt": "Sapatilhas de corrida", "nl": "Hardloopschoenen",
    })
    kitchen = make_category("kitchen", names={"en": "Kitchen", "de": "Küche", "it": "Cucina", "pt": "Cozinha", "nl": "Keuken"})
    return {
        "runner": make_product(category=shoes, brand="Runa", texts={
            "de": ("Leichter Laufschuh für Damen", "Atmungsaktives Obermaterial, gedämpfte Sohle"),
            "it": ("Scarpa da corsa leggera", "Tomaia traspirante, suola ammortizzata"),
            "pt": ("Sapatilha de corrida leve", "Parte superior respirável"),
            "nl": ("Lichte hardloopschoen voor dames", "Ademend bovenwerk"),
            "en": ("Light running shoe", "Breathable upper"),
        }),
        "trail": make_product(category=shoes, brand="Hiker", texts={
            "de": ("Trail-Laufschuhe mit Profilsohle", "Für Waldwege"),
            "en": ("Trail running shoes", "For forest paths"),
        }),
        "pan": make_product(category=kitchen, brand="Cuoco", texts={
            "de": ("Bratpfanne aus Gusseisen", "Für alle Herde"),
            "it": ("Padella in ghisa", "Per tutti i fornelli"),
            "pt": ("Frigideira de ferro fundido", "Para todos os fogões"),
            "nl": ("Koekenpan van gietijzer met houten lepel", "Voor alle fornuizen"),
        }),
    }


def test_each_language_has_its_own_stemmer():
    assert analyse("Laufschuhe", "de") == analyse("Laufschuh", "de") == analyse("laufschühen", "de") == ["laufschuh"]
    assert analyse("scarpe da corsa", "it") == analyse("scarpa da corsa", "it") == ["scarp", "cors"]
    assert analyse("sapatilhas", "pt") == analyse("sapatilha", "pt") == ["sapatilh"]
    assert analyse("hardloopschoenen", "nl") == analyse("hardloopschoen", "nl") == ["hardloopschoen"]
    assert query_tokens("Schuhe für die Küche", "de") == ["schuh", "kuch"]  # "für", "die": stop words


def test_german_laufschuhe_finds_the_german_titles(catalogue_seven):
    ids = search_product_ids("Laufschuhe", "de")
    # both titles hold the word, the singular "Laufschuh" too (stemming); the pan does not
    assert set(ids) == {catalogue_seven["runner"].pk, catalogue_seven["trail"].pk}
    assert search_product_ids("laufschuh damen", "de") == [catalogue_seven["runner"].pk]
    assert search_product_ids("Bratpfannen", "de") == [catalogue_seven["pan"].pk]
    assert search_product_ids("Küche", "de") == [catalogue_seven["pan"].pk]  # the category's German name


def test_italian_portuguese_and_dutch_stemming(catalogue_seven):
    runner, pan = catalogue_seven["runner"].pk, catalogue_seven["pan"].pk
    assert search_product_ids("scarpe da corsa", "it") == [runner]
    assert search_product_ids("padelle", "it") == [pan]
    assert search_product_ids("sapatilhas leves", "pt") == [runner]
    assert search_product_ids("frigideiras", "pt") == [pan]
    assert search_product_ids("hardloopschoenen", "nl") == [runner]
    assert search_product_ids("lepels", "nl") == [pan]  # (Dutch plurals that double a consonant stem apart in PostgreSQL's older Snowball)


def test_a_german_buyer_does_not_search_the_italian_texts(catalogue_seven):
    assert search_product_ids("padella", "de") == []
    assert search_product_ids("padella", "it") == [catalogue_seven["pan"].pk]
    # the English documents stay everyone's fallback
    assert search_product_ids("trail", "de") == [catalogue_seven["trail"].pk]


def test_reindex_all_keeps_every_language(catalogue_seven):
    search_reindex_all()
    assert set(search_product_ids("Laufschuhe", "de")) == {catalogue_seven["runner"].pk, catalogue_seven["trail"].pk}
    assert search_product_ids("ghisa", "it") == [catalogue_seven["pan"].pk]

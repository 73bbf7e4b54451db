"""Every UI language's catalogue (settings.LANGUAGES but English, the source) is complete and
well-formed, and the pages really come out in each language.

The .po files are read with a tiny parser below (no polib: it is not a dependency) and checked with GNU
`msgfmt --check --statistics`, the same tool `comptoir compilemessages` runs.
"""
import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django.utils.html import escape

LOCALE = Path(django_settings.LOCALE_PATHS[0])
LANGUAGES = tuple(code for code, _name in django_settings.LANGUAGES)
TRANSLATED = tuple(code for code in LANGUAGES if code != "en")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);", "de": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);", "pt": "nplurals=2; plural=(n != 1);", "nl": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}|</?[a-zA-Z][^>]*>")
NBSP = "\u00a0"

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"msgid", "msgid_plural", "msgstr" (list), "flags", "obsolete"}; the header is entry 0."""
    entries, entry, field = [], None, None

    def start():
        return {"msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set(), "obsolete": False}

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            entry = entry or start()
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry = entry or start()
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            entry = entry or start()
            continue
        entry = entry or start()
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            m = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if m:
                field = ("msgstr", int(m.group(1)))
            elif keyword == "msgstr":
                field = ("msgstr", 0)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                field = (keyword, None)
            else:
                raise ValueError(f"{path}: cannot parse {raw!r}")
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] = ""
            else:
                entry[field[0]] = ""
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += value
        else:
            entry[field[0]] += value
    for e in entries:
        e["msgstr"] = [e["msgstr"][i] for i in sorted(e["msgstr"])]
    return [e for e in entries if not e["obsolete"]]


def messages(lang: str) -> list[dict]:
    entries = parse_po(po_path(lang))
    assert entries[0]["msgid"] == "", "the header entry comes first"
    return entries[1:]


def header(lang: str) -> dict[str, str]:
    text = parse_po(po_path(lang))[0]["msgstr"][0]
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = messages(lang)
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plural = [e for e in entries if e["msgid_plural"] is not None]
    assert plural and all(len(e["msgstr"]) == 2 for e in plural)


@needs_msgfmt
@pytest.mark.parametrize("lang", TRANSLATED)
def test_msgfmt_check_counts_only_translated_messages(lang):
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(lang))],
        capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"(\d+) translated messages\.\n", done.stderr), done.stderr
    assert int(done.stderr.split()[0]) == len(messages(lang))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_header_declares_language_utf8_and_two_plural_forms(lang):
    h = header(lang)
    assert h["Language"] == lang
    assert h["Content-Type"] == "text/plain; charset=UTF-8"
    assert h["Plural-Forms"] == PLURAL_FORMS[lang]
    assert "fuzzy" not in parse_po(po_path(lang))[0]["flags"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_and_html_tags_are_kept(lang):
    wrong = []
    for e in messages(lang):
        sources = [e["msgid"]] if e["msgid_plural"] is None else [e["msgid"], e["msgid_plural"]]
        for i, text in enumerate(e["msgstr"]):
            source = sources[min(i, len(sources) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((source, text))
    assert wrong == []


def test_every_ui_language_has_a_plural_rule_here():
    assert set(PLURAL_FORMS) == set(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalogue_holds_the_same_messages_as_english(lang):
    ids = {code: {(e["msgctxt"], e["msgid"]) for e in messages(code)} for code in (lang, "en")}
    assert sorted(ids["en"] - ids[lang], key=str) == []  # missing: run makemessages for the language
    assert sorted(ids[lang] - ids["en"], key=str) == []  # left over: run makemessages -l en


def test_the_english_catalogue_stays_empty():
    # English is the source language: its catalogue stays empty so the msgids show.
    assert all(s == "" for e in messages("en") for s in e["msgstr"])


# Rendering -----------------------------------------------------------------------------------


@pytest.fixture
def compiled(settings, tmp_path):
    """Compile the catalogues into a temporary LOCALE_PATHS (changing the setting also drops cached catalogues)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    for lang in LANGUAGES:
        out = tmp_path / lang / "LC_MESSAGES"
        out.mkdir(parents=True)
        subprocess.run(["msgfmt", "--check", "-o", str(out / "django.mo"), str(po_path(lang))], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


HEADER_STRINGS = {
    "fr": [
        'placeholder="Rechercher des produits, des marques…" aria-label="Rechercher"',
        '<button type="submit" class="btn btn-primary">Rechercher</button>',
        '<a class="skip-link" href="#content">Aller au contenu</a>',
        'title="Changer de marché ou de ville"',
        '<a href="/#categories">Toutes les catégories</a>',
        "Les prix incluent la TVA de votre marché. Les offres locales sont classées en premier.",
    ],
    "es": [
        'placeholder="Buscar productos, marcas…" aria-label="Buscar"',
        '<button type="submit" class="btn btn-primary">Buscar</button>',
        '<a class="skip-link" href="#content">Saltar al contenido</a>',
        'title="Cambiar de mercado o ciudad"',
        '<a href="/#categories">Todas las categorías</a>',
        "Los precios incluyen el IVA de tu mercado. Las ofertas locales aparecen primero.",
    ],
    # from the translators' German catalogue
    "de": [
        '<button type="submit" class="btn btn-primary">Suchen</button>',
        '<a href="/#categories">Alle Kategorien</a>',
        'title="Markt oder Stadt wechseln"',
    ],
}
# The header's English strings: every language renders each of them translated.
HEADER_MSGIDS = [
    "Search products, brands…", "Search", "Change market or city", "All categories", "Stores", "Cart", "Sign in",
    "Sell on Comptoir", "Prices include VAT for your market. Offers are ranked local-first.",
]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", sorted(HEADER_STRINGS))
def test_home_in_language_from_cookie(client, compiled, lang):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for text in HEADER_STRINGS[lang]:
        assert text in html
    assert "Search products, brands…" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", TRANSLATED)
def test_home_header_in_each_language_from_its_catalogue(client, compiled, lang):
    """Each header string rendered as the compiled catalogue translates it, and not in English."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert f'<html lang="{lang}">' in html
    with translation.override(lang):
        expected = {msgid: translation.gettext(msgid) for msgid in HEADER_MSGIDS}
    untranslated = [msgid for msgid, text in expected.items() if text == msgid and msgid != "Comptoir"]
    assert untranslated == []
    missing = [text for text in expected.values() if escape(text) not in html and text not in html]
    assert missing == []
    assert "Search products, brands…" not in html


@pytest.mark.django_db
def test_language_switch_names_each_language_in_itself(client, compiled):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    switch = html[html.index('class="lang-switch"'):]
    switch = switch[: switch.index("</form>")]
    assert re.findall(r'name="language" value="(\w+)"', switch) == list(LANGUAGES)
    for name in ("français", "español", "English", "Deutsch", "italiano", "Português", "Nederlands"):
        assert name in switch


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "lang"), [
    ("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("es-ES,es;q=0.9", "es"), ("de-DE,de;q=0.9", "de"), ("de", "de"),
])
def test_home_in_language_from_accept_language(client, compiled, accept, lang):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for text in HEADER_STRINGS[lang]:
        assert text in html


@pytest.mark.django_db
def test_home_stays_english_without_a_preference(client, compiled):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in html
    assert 'placeholder="Search products, brands…" aria-label="Search"' in html
    assert 'title="Change market or city"' in html


@pytest.mark.django_db
def test_french_typography_uses_non_breaking_spaces(client, compiled):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/").content.decode()
    assert f"Que recherchez-vous{NBSP}?" in html

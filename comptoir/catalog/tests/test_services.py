import pytest

from comptoir.catalog.errors import DuplicateGtin, InvalidGtin, InvalidProduct
from comptoir.catalog.models import Product, ProductImage, ProductText
from comptoir.catalog.search import search_product_ids
from comptoir.catalog.services import gtin_normalise, product_create

from .factories import make_category


@pytest.mark.parametrize(
    "value, expected",
    [
        ("4006381333931", "04006381333931"),  # EAN-13
        ("96385074", "00000096385074"),  # EAN-8
        ("036000291452", "00036000291452"),  # UPC-A
        ("00012345600012", "00012345600012"),  # GTIN-14
        ("4006-3813 33931", "04006381333931"),  # separators ignored
    ],
)
def test_gtin_normalise_accepts_valid_lengths_and_pads_to_14(value, expected):
    assert gtin_normalise(value) == expected


@pytest.mark.parametrize("value", ["4006381333932", "96385075", "036000291453", "00012345600013"])
def test_gtin_normalise_rejects_wrong_check_digit(value):
    with pytest.raises(InvalidGtin) as exc:
        gtin_normalise(value)
    assert exc.value.message == "GTIN check digit is wrong"
    assert exc.value.code == "invalid_gtin"


@pytest.mark.parametrize("value", ["", "123", "1234567890", "400638133393A", "123456789012345", "٤٠٠٦٣٨١٣٣٣٩٣١", None])
def test_gtin_normalise_rejects_bad_length_or_characters(value):
    with pytest.raises(InvalidGtin) as exc:
        gtin_normalise(value)
    assert exc.value.message == "GTIN must be 8, 12, 13 or 14 digits"


@pytest.mark.django_db
def test_product_create_writes_product_texts_and_index():
    shoes = make_category("shoes", names={"es": "Zapatos", "en": "Shoes"})
    product = product_create(
        gtin="4006381333931", brand="Runa", category=shoes, attributes={"colour": "red"},
        texts={"es": ("Zapatillas rojas", "Para correr"), "en": ("Red sneakers", "For running")},
    )
    assert product.gtin == "04006381333931"
    assert product.attributes == {"colour": "red"}
    assert dict(ProductText.objects.filter(product=product).values_list("language", "title")) == {
        "es": "Zapatillas rojas", "en": "Red sneakers",
    }
    assert search_product_ids("zapatilla", "es") == [product.pk]


@pytest.mark.django_db
def test_product_create_with_image_stores_it(tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    product = product_create(
        gtin="96385074", brand="Runa", category=make_category(), texts={"en": ("Lamp", "")},
        image=SimpleUploadedFile("lamp.png", b"\x89PNG fake", content_type="image/png"),
    )
    image = ProductImage.objects.get(product=product)
    assert image.image.name.startswith("products/lamp")
    assert image.alt == "Lamp"


@pytest.mark.django_db
def test_product_create_duplicate_gtin_in_other_form_is_refused():
    cat = make_category()
    product_create(gtin="4006381333931", brand="A", category=cat, texts={"en": ("One", "")})
    with pytest.raises(DuplicateGtin) as exc:
        product_create(gtin="04006381333931", brand="B", category=cat, texts={"en": ("Two", "")})
    assert exc.value.code == "duplicate_gtin"
    assert Product.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"brand": " "}, "Brand is required"),
        ({"texts": {}}, "At least one title is required"),
        ({"texts": {"ja": ("靴", "")}}, "Unsupported language 'ja'"),
        ({"texts": {"en": ("", "x")}}, "Title (en) is required"),
        ({"gtin": "123"}, "GTIN must be 8, 12, 13 or 14 digits"),
    ],
)
def test_product_create_bad_input_writes_nothing(kwargs, message):
    args = {"gtin": "4006381333931", "brand": "Runa", "category": make_category(), "texts": {"en": ("Shoe", "")}}
    args.update(kwargs)
    with pytest.raises((InvalidProduct, InvalidGtin)) as exc:
        product_create(**args)
    assert exc.value.message == message
    assert Product.objects.count() == 0
    assert ProductText.objects.count() == 0

"""Product pictures drawn locally with Pillow: nothing is downloaded.

A picture is 400×400 PNG (flat colours: smaller and faster to encode than WebP here): a soft background in the category colour, a simple icon for the
product noun (a pan, a shoe, a bike…) filled with the product colour, and a label (brand
initials). The same arguments always give the same bytes, so pictures are deterministic
from the seed that chose those arguments.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

SIZE = 400
Colour = tuple[int, int, int]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _outline(fill: Colour) -> Colour:
    return _mix(fill, (0, 0, 0), 0.45)


def _draw_icon(d: ImageDraw.ImageDraw, shape: str, fill: Colour) -> None:
    o = _outline(fill)
    w = 6
    if shape == "pan":
        d.ellipse((90, 140, 270, 290), fill=fill, outline=o, width=w)
        d.ellipse((115, 160, 245, 270), fill=_mix(fill, (255, 255, 255), 0.2))
        d.rounded_rectangle((262, 200, 350, 228), radius=12, fill=(60, 50, 45))
    elif shape == "pot":
        d.rounded_rectangle((100, 160, 300, 300), radius=28, fill=fill, outline=o, width=w)
        d.rectangle((90, 150, 310, 172), fill=o)
        d.ellipse((180, 118, 220, 152), fill=o)
    elif shape == "shoe":
        d.polygon([(80, 270), (90, 180), (150, 170), (200, 215), (300, 230), (330, 270)], fill=fill, outline=o)
        d.rectangle((80, 270, 330, 292), fill=(245, 245, 245), outline=o)
        for x in (135, 160, 185):
            d.line((x, 190, x + 15, 205), fill=o, width=4)
    elif shape == "book":
        d.rounded_rectangle((120, 90, 290, 320), radius=8, fill=fill, outline=o, width=w)
        d.rectangle((120, 90, 145, 320), fill=o)
        d.rectangle((170, 140, 265, 160), fill=(250, 250, 250))
    elif shape == "blocks":
        for i, (x, y) in enumerate(((110, 220), (200, 220), (155, 140))):
            d.rectangle((x, y, x + 85, y + 80), fill=_mix(fill, (255, 255, 255), i * 0.2), outline=o, width=5)
    elif shape == "bear":
        d.ellipse((130, 150, 270, 300), fill=fill, outline=o, width=w)
        d.ellipse((150, 80, 250, 180), fill=fill, outline=o, width=w)
        d.ellipse((140, 75, 180, 115), fill=fill, outline=o, width=w)
        d.ellipse((220, 75, 260, 115), fill=fill, outline=o, width=w)
    elif shape == "train":
        d.rectangle((90, 170, 300, 260), fill=fill, outline=o, width=w)
        d.rectangle((230, 120, 300, 170), fill=fill, outline=o, width=w)
        for x in (120, 190, 260):
            d.ellipse((x - 25, 245, x + 25, 295), fill=(60, 50, 45))
    elif shape == "headphones":
        d.arc((110, 90, 290, 290), start=180, end=360, fill=o, width=18)
        d.rounded_rectangle((95, 190, 150, 290), radius=18, fill=fill, outline=o, width=w)
        d.rounded_rectangle((250, 190, 305, 290), radius=18, fill=fill, outline=o, width=w)
    elif shape == "earbuds":
        for x in (140, 240):
            d.ellipse((x - 40, 150, x + 40, 230), fill=fill, outline=o, width=w)
            d.rounded_rectangle((x - 12, 220, x + 12, 300), radius=10, fill=fill, outline=o, width=4)
    elif shape == "hose":
        for r in (40, 70, 100):
            d.ellipse((200 - r, 210 - r, 200 + r, 210 + r), outline=fill, width=20)
    elif shape == "tool":
        d.rounded_rectangle((110, 130, 290, 200), radius=20, fill=fill, outline=o, width=w)
        d.rounded_rectangle((160, 195, 215, 310), radius=14, fill=_outline(fill))
        d.rectangle((285, 155, 335, 175), fill=(120, 120, 120))
    elif shape == "jar":
        d.rounded_rectangle((130, 160, 270, 310), radius=24, fill=fill, outline=o, width=w)
        d.rectangle((140, 125, 260, 162), fill=o)
        d.rectangle((150, 210, 250, 260), fill=(250, 250, 250))
    elif shape == "bottle":
        d.rounded_rectangle((150, 160, 250, 320), radius=24, fill=fill, outline=o, width=w)
        d.rectangle((180, 90, 220, 162), fill=fill, outline=o, width=w)
        d.rectangle((160, 210, 240, 260), fill=(250, 250, 250))
    elif shape == "bag":
        d.polygon([(130, 130), (270, 130), (290, 320), (110, 320)], fill=fill, outline=o)
        d.rectangle((150, 200, 250, 250), fill=(250, 250, 250))
    elif shape == "bar":
        d.rounded_rectangle((100, 150, 300, 270), radius=10, fill=fill, outline=o, width=w)
        for x in (150, 200, 250):
            d.line((x, 150, x, 270), fill=o, width=4)
        d.line((100, 210, 300, 210), fill=o, width=4)
    elif shape == "shirt":
        d.polygon([(150, 110), (250, 110), (310, 160), (280, 190), (260, 175), (260, 310), (140, 310), (140, 175), (120, 190), (90, 160)], fill=fill, outline=o)
    elif shape == "stroller":
        d.pieslice((110, 110, 290, 290), start=180, end=360, fill=fill, outline=o, width=w)
        d.line((290, 200, 330, 130), fill=o, width=8)
        for x in (140, 260):
            d.ellipse((x - 28, 250, x + 28, 306), outline=o, width=8)
    elif shape == "bike":
        for x in (120, 280):
            d.ellipse((x - 60, 200, x + 60, 320), outline=(50, 50, 50), width=8)
        d.line((120, 260, 190, 180, 260, 180, 280, 260), fill=fill, width=12)
        d.line((190, 180, 200, 260, 120, 260), fill=fill, width=12)
        d.line((250, 150, 280, 150), fill=(50, 50, 50), width=8)
    elif shape == "pen":
        d.polygon([(110, 300), (130, 250), (290, 90), (320, 120), (160, 280)], fill=fill, outline=o)
        d.polygon([(110, 300), (130, 250), (160, 280)], fill=(60, 60, 60))
    else:
        d.ellipse((120, 120, 280, 280), fill=fill, outline=o, width=w)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def picture_render(*, background: Colour, shape: str, fill: Colour, label: str) -> bytes:
    """The picture's PNG bytes, 400×400."""
    image = Image.new("RGB", (SIZE, SIZE), _mix(background, (255, 255, 255), 0.55))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((24, 24, SIZE - 24, SIZE - 24), radius=36, fill=_mix(background, (255, 255, 255), 0.8))
    _draw_icon(d, shape, fill)
    if label:
        d.rounded_rectangle((32, 32, 32 + 24 + 26 * len(label), 86), radius=14, fill=background)
        d.text((44, 38), label, fill=(255, 255, 255), font=_font(36))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def initials(brand: str) -> str:
    words = [w for w in brand.replace("'", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or brand[:2].upper()

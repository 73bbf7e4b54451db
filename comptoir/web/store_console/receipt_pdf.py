"""A till receipt as a PDF (fpdf2, 80 mm roll width): what the HTML receipt shows, for a buyer
who wants it by email or a printer driver that only takes PDF."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF


def _text(value) -> str:
    # The core PDF fonts speak Latin-1; anything else is shown as "?" rather than failing.
    return str(value).replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")


def _amount(minor: int, currency: str) -> str:
    return f"{minor / 100:.2f} {currency}"


def receipt_pdf(sale, lines, entry) -> bytes:
    store = sale.store
    pdf = FPDF(orientation="P", unit="mm", format=(80, 140 + 12 * len(lines)))
    pdf.set_margins(5, 5, 5)
    pdf.set_auto_page_break(True, 5)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 5, _text(store.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    loc = store.location
    pdf.multi_cell(0, 4, _text(f"{loc.address}, {loc.postcode} {loc.city.name}"), align="C", new_x="LMARGIN", new_y="NEXT")
    title = _("Return") if sale.kind == "return" else _("Receipt")
    pdf.multi_cell(0, 4, _text(f"{title} {sale.number} · {timezone.localtime(sale.created_at):%Y-%m-%d %H:%M}"), align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for line in lines:
        pdf.multi_cell(0, 4, _text(f"{line.quantity} x {line.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 4, _text(f"{line.rate_bp / 100:g} %   {_amount(line.gross, sale.currency)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, _text(f"{_('Total')}: {_amount(sale.total_gross, sale.currency)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    if sale.total_vat:
        pdf.cell(0, 4, _text(f"{_('of which VAT')}: {_amount(sale.total_vat, sale.currency)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    if sale.method == "cash" and sale.cash_given is not None:
        pdf.cell(0, 4, _text(f"{_('Cash')}: {_amount(sale.cash_given, sale.currency)}  {_('Change')}: {_amount(sale.change or 0, sale.currency)}"),
                 align="R", new_x="LMARGIN", new_y="NEXT")
    elif sale.method == "card":
        pdf.cell(0, 4, _text(f"{_('Card')} {sale.terminal_reference}"), align="R", new_x="LMARGIN", new_y="NEXT")
    if entry is not None:
        pdf.ln(2)
        pdf.set_font("Courier", "", 6)
        pdf.multi_cell(0, 3, _text(f"#{entry.till}/{entry.sequence} {entry.hash}"), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

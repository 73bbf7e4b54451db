"""Seller offers pages (/seller/offers/…): list, create by GTIN (or propose a product), edit,
stock, pause and resume, bulk import; and the operator's proposals queue (/operator/proposals/)."""

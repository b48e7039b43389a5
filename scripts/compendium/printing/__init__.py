"""The print edition: one PDF/UA-1 document per volume, typeset by Typst from the template in ``overrides/print/``."""

"""Import configuration for Fava's Import page and for beangulp.

``ledger/main.beancount`` points Fava here::

    2010-01-01 custom "fava-option" "import-config" "../importers/config.py"
    2010-01-01 custom "fava-option" "import-dirs" "../imports"

Fava runs this file without its folder on ``sys.path``; the importers are imported from
the installed package (``pip install -e .``). Run as a script it is a beangulp CLI::

    python importers/config.py extract -e ledger/main.beancount imports/
"""

from __future__ import annotations

from importers.beangulp_importers import DisposalsImporter
from importers.beangulp_importers import InventoryImporter

CONFIG = [
    InventoryImporter(),
    DisposalsImporter(),
]

if __name__ == "__main__":  # pragma: no cover
    import beangulp

    beangulp.Ingest(CONFIG)()

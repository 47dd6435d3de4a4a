"""The module paths before the layout by domain (release 0.1) still work for one release: as
attributes of the package (PEP 562), with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib
import warnings

import pytest

import bpost_client


@pytest.mark.parametrize("old", sorted(bpost_client.MOVED))
def test_old_path__reaches_the_moved_module_with_a_warning(old: str) -> None:
    with pytest.warns(DeprecationWarning, match=bpost_client.MOVED[old]):
        module = getattr(bpost_client, old)
    assert module is importlib.import_module(bpost_client.MOVED[old])


def test_old_distribution_names__reach_the_standard_with_a_warning() -> None:
    from bpost_client.distribution import standard
    from bpost_client.distribution.standard import fund_xml

    with pytest.warns(DeprecationWarning, match="distribution.standard"):
        from bpost_client.distribution import FORMATS
        from bpost_client.distribution import fund_xml as old_fund_xml
    assert FORMATS is standard.FORMATS
    assert old_fund_xml is fund_xml
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from bpost_client.distribution import navs  # a module of the package itself: no warning
    assert navs.__name__ == "bpost_client.distribution.navs"
    with pytest.raises(AttributeError):
        _ = bpost_client.distribution.no_such_name  # type: ignore[attr-defined]

"""Reading and writing seed YAML: numbers as exact decimals, dates as text, one canonical layout."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


class SeedLoader(yaml.SafeLoader):
    """YAML with exact numbers: `138.1` is Decimal('138.1'), never a float; dates stay strings."""


SeedLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in SeedLoader.yaml_implicit_resolvers.items()
}


def _exact_number(loader: SeedLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


SeedLoader.add_constructor("tag:yaml.org,2002:float", _exact_number)


class SeedDumper(yaml.SafeDumper):
    """The canonical layout `export` writes and the files in seed_data/ are kept in."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a reviewer reads every quote in place, never an &anchor/*alias

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)  # indent list items under their key


def _represent_decimal(dumper: SeedDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: SeedDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


SeedDumper.add_representer(Decimal, _represent_decimal)
SeedDumper.add_representer(str, _represent_str)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=SeedLoader)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=SeedDumper, allow_unicode=True, sort_keys=False, width=1_000_000)

"""Seed YAML is read strictly: repeated keys and non-NFC text are errors naming file and line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from app.cli import cli
from app.mapping.schema import read_mapping
from app.reference.errors import MappingError
from app.reference.yamlfile import LOADER, UniqueKeySafeLoader, load_yaml

MAPPING_000 = "articles/000_a65e3a874b89616e.yaml"
BOTH_LOADERS = pytest.mark.parametrize("loader", [UniqueKeySafeLoader, LOADER], ids=["python", "default"])


def test_the_default_loader_is_libyaml_when_pyyaml_has_it():
    assert yaml.__with_libyaml__, "libyaml is expected on this machine (the scale of the loader needs it)"
    assert issubclass(LOADER, yaml.CSafeLoader)


def _repeat_defaults(path: Path) -> int:
    """Append a second `defaults:` block (another region); return the line it starts on."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = lines.index("figures:")
    lines[at:at] = ["defaults:", '  region: "01"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


@BOTH_LOADERS
def test_a_repeated_defaults_block_is_refused_with_its_line(seeds_copy, loader):
    path = seeds_copy / MAPPING_000
    first = path.read_text(encoding="utf-8").split("\n").index("defaults:") + 1
    line = _repeat_defaults(path)
    with pytest.raises(MappingError) as caught:
        load_yaml(path, loader)
    assert caught.value.problems == [
        f"line {line}: key 'defaults' is repeated (first on line {first}); "
        "YAML would silently keep only the last one"
    ]


@BOTH_LOADERS
def test_a_repeated_key_deep_inside_or_in_a_flow_mapping_is_refused(tmp_path, loader):
    path = tmp_path / "x.yaml"
    path.write_text("figures:\n  - key: a\n    value: 1\n    value: 2\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"line 4: key 'value' is repeated \(first on line 3\)"):
        load_yaml(path, loader)
    path.write_text("a: {b: 1, b: 2}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"line 1: key 'b' is repeated"):
        load_yaml(path, loader)


@BOTH_LOADERS
def test_merge_keys_and_equal_keys_in_different_mappings_are_fine(tmp_path, loader):
    path = tmp_path / "x.yaml"
    path.write_text("base: &b {region: '06'}\none: {<<: *b, region: '01'}\ntwo: {region: '06'}\n")
    assert load_yaml(path, loader)["one"] == {"region": "01"}


def test_check_refuses_a_repeated_defaults_block_naming_file_and_line(seeds_copy):
    path = seeds_copy / MAPPING_000
    line = _repeat_defaults(path)
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    assert f"{path}: line {line}: key 'defaults' is repeated" in result.output
    assert "Traceback" not in result.output


def test_a_repeated_key_in_reference_data_is_refused(seeds_copy):
    path = seeds_copy / "reference" / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  unit: percent\n", "  unit: percent\n  unit: households\n", 1))
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    assert f"{path}: line " in result.output and "key 'unit' is repeated" in result.output


def test_a_mapping_saved_in_nfd_says_so_naming_the_lines(seeds_copy):
    path = seeds_copy / MAPPING_000
    text = path.read_text(encoding="utf-8")
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    title_line = text.split("\n").index("  title: Bắc Kạn vượt chỉ tiêu giảm nghèo, tạo sinh kế bền vững") + 1
    with pytest.raises(MappingError) as caught:
        read_mapping(path)
    (problem,) = caught.value.problems
    assert problem.startswith("lines 1, ")
    assert "not in Unicode NFC" in problem
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    assert f"{path}: lines 1, " in result.output and "NFD" in result.output
    assert "is not printed on the page" not in result.output
    # One decomposed field: its line is named.
    lines = text.split("\n")
    lines[title_line - 1] = unicodedata.normalize("NFD", lines[title_line - 1])
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(MappingError, match=rf"line {title_line}: text is not in Unicode NFC"):
        read_mapping(path)

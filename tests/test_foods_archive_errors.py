"""Bad food archives are refused cleanly and change nothing (issue 12).

Every archive here is built in `tmp_path`: a small SR28-layout archive or the FDC fixture, then
damaged one way (bad CRC, encrypted or unsupported members, missing columns, NaN values,
non-UTF-8 text, oversized fields, NUL bytes, an empty FOOD_DES.txt …). Each must exit 2 through
the real CLI, naming the archive and the member (and line or column where there is one) with
what is allowed, never "This is a bug in b12pain", and the earlier import must stay as it was.
"""

from __future__ import annotations

import os
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from b12pain.errors import InputError
from b12pain.foods import FoodDatabase
from test_foods_fdc import FIXTURE as FDC_FIXTURE

# A tiny archive in the SR28 ASCII layout (caret-separated, ~text~, CRLF), written here.
SR28_FILES = {
    "FD_GROUP.txt": "~0100~^~Dairy and Egg Products~\r\n~1500~^~Finfish and Shellfish Products~",
    "FOOD_DES.txt": (
        "~01901~^~0100~^~Testcheese, invented~^~TESTCHEESE~^~~^~~^~Y~^~~^0^~~^6.38^4.27^8.79^3.87"
        "\r\n~15901~^~1500~^~Testfish, invented, cooked~^~TESTFISH~^~~^~~^~~^~~^0^~~^6.25^4^9^4"
    ),
    "NUTR_DEF.txt": "~418~^~µg~^~VITB12~^~Vitamin B-12~^~2~^~7300~\r\n~208~^~kcal~^~ENERC_KCAL~^~Energy~^~0~^~300~",
    "NUT_DATA.txt": "~01901~^~418~^1.1^3^0.1\r\n~01901~^~208~^400^0^\r\n~15901~^~418~^3.0^3^0.2",
    "WEIGHT.txt": "~01901~^~1~^1^~slice~^28^~~^~~\r\n~15901~^~1~^1^~fillet~^150^~~^~~",
}


def sr28_zip(
    target: Path,
    replace: dict[str, bytes | str] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write the tiny SR28 archive, with some members' contents replaced."""
    files: dict[str, bytes | str] = {**SR28_FILES, **(replace or {})}
    with zipfile.ZipFile(target, "w", method) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("latin-1") if isinstance(text, str) else text)
    return target


def fdc_zip(target: Path, replace: dict[str, bytes | str] | None = None) -> Path:
    """The FDC fixture zipped, with some members' contents replaced."""
    files: dict[str, bytes | str] = {p.name: p.read_bytes() for p in FDC_FIXTURE.glob("*.csv")}
    files.update(replace or {})
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"FoodData_Central_test/{name}", data)
    return target


def _patch_member(path: Path, member: str, patch: Callable[[bytearray, int, int], None]) -> Path:
    """Apply `patch(data, local_header_offset, central_header_offset)` to one member's headers."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == member.encode():
            break
        central = data.find(b"PK\x01\x02", central + 4)
    patch(data, info.header_offset, central)
    path.write_bytes(bytes(data))
    return path


def bad_crc(path: Path) -> Path:
    """Stored (uncompressed) NUT_DATA.txt with one byte changed: the CRC no longer matches."""
    sr28_zip(path, method=zipfile.ZIP_STORED)

    def flip(data: bytearray, local: int, central: int) -> None:
        name_len = int.from_bytes(data[local + 26 : local + 28], "little")
        extra_len = int.from_bytes(data[local + 28 : local + 30], "little")
        data[local + 30 + name_len + extra_len + 3] ^= 0x01  # a digit of the NDB number

    return _patch_member(path, "NUT_DATA.txt", flip)


def encrypted(path: Path) -> Path:
    """FOOD_DES.txt marked encrypted (general-purpose flag bit 0)."""
    sr28_zip(path, method=zipfile.ZIP_STORED)

    def mark(data: bytearray, local: int, central: int) -> None:
        data[local + 6] |= 0x01
        data[central + 8] |= 0x01

    return _patch_member(path, "FOOD_DES.txt", mark)


def unsupported_method(path: Path) -> Path:
    """WEIGHT.txt claims compression method 99 (AES), which Python cannot read."""
    sr28_zip(path, method=zipfile.ZIP_STORED)

    def method(data: bytearray, local: int, central: int) -> None:
        data[local + 8 : local + 10] = (99).to_bytes(2, "little")
        data[central + 10 : central + 12] = (99).to_bytes(2, "little")

    return _patch_member(path, "WEIGHT.txt", method)


FDC_FOOD_HEADER = '"fdc_id","data_type","description","food_category_id","publication_date"\n'
HUGE = "x" * 200_000

#: (case id, builder, words the error must contain)
BAD_ARCHIVES: list[tuple[str, Callable[[Path], Path], tuple[str, ...]]] = [
    ("bad CRC", bad_crc, ("NUT_DATA.txt", "is damaged", "download the archive again")),
    ("encrypted member", encrypted, ("FOOD_DES.txt", "is encrypted", "no password")),
    ("unsupported compression", unsupported_method, ("WEIGHT.txt", "method 99", "deflate")),
    (
        "SR28 file with too few fields",
        lambda p: sr28_zip(p, {"NUT_DATA.txt": "~01901~^~418~\r\n"}),
        ("NUT_DATA.txt", "line 1 has 2 field(s)", "NDB_No^Nutr_No^Nutr_Val"),
    ),
    (
        "SR28 NaN value",
        lambda p: sr28_zip(p, {"NUT_DATA.txt": "~01901~^~418~^1.1\r\n~15901~^~418~^NaN"}),
        ("NUT_DATA.txt", "line 2, Nutr_Val: 'NaN'", "a number, 0 or more"),
    ),
    (
        "SR28 infinite value",
        lambda p: sr28_zip(p, {"NUT_DATA.txt": "~01901~^~418~^inf"}),
        (
            "NUT_DATA.txt",
            "line 1, Nutr_Val: 'inf'",
        ),
    ),
    (
        "SR28 negative value",
        lambda p: sr28_zip(p, {"NUT_DATA.txt": "~01901~^~418~^-4"}),
        ("NUT_DATA.txt", "'-4'", "0 or more"),
    ),
    (
        "SR28 oversized field",
        lambda p: sr28_zip(p, {"FOOD_DES.txt": f"~01901~^~0100~^~{HUGE}~^~X~^~~"}),
        ("FOOD_DES.txt", "line 1", "longer than 131,072 characters"),
    ),
    (
        "SR28 NUL byte",
        lambda p: sr28_zip(p, {"FD_GROUP.txt": b"~0100~^~Dairy\x00~\r\n"}),
        ("FD_GROUP.txt", "NUL"),
    ),
    (
        "empty FOOD_DES.txt",
        lambda p: sr28_zip(p, {"FOOD_DES.txt": ""}),
        ("FOOD_DES.txt holds no foods", "would empty the food database", "earlier sr28 import"),
    ),
    (
        "FOOD_DES.txt with no usable food",
        lambda p: sr28_zip(p, {"FOOD_DES.txt": "~~^~0100~^~~^~~^~~\r\n"}),
        ("FOOD_DES.txt holds no foods", "nothing was changed"),
    ),
    (
        "NUT_DATA.txt for none of the foods",
        lambda p: sr28_zip(p, {"NUT_DATA.txt": "~99999~^~418~^1.0"}),
        ("NUT_DATA.txt holds no nutrient values", "would empty"),
    ),
    (
        "FDC missing column",
        lambda p: fdc_zip(
            p, {"food_nutrient.csv": '"id","fdc_id","nutrient_id"\n"1","2000001","1178"\n'}
        ),
        ("food_nutrient.csv", "missing column(s) amount", "fdc_id, nutrient_id, amount"),
    ),
    (
        "FDC nutrient.csv without ids",
        lambda p: fdc_zip(p, {"nutrient.csv": '"name","unit_name"\n"Vitamin B-12","UG"\n'}),
        ("nutrient.csv", "missing column(s) id"),
    ),
    (
        "FDC NaN amount",
        lambda p: fdc_zip(
            p,
            {
                "food_nutrient.csv": '"id","fdc_id","nutrient_id","amount"\n"1","2000001","1178","nan"\n'
            },
        ),
        ("food_nutrient.csv", "line 2, amount: 'nan'", "a number, 0 or more"),
    ),
    (
        "FDC non-UTF-8 text",
        lambda p: fdc_zip(
            p,
            {
                "food.csv": FDC_FOOD_HEADER.encode()
                + '"2000001","foundation_food","Crème brûlée","1",""\n'.encode("latin-1")
            },
        ),
        ("food.csv", "is not UTF-8 text", "byte 0xe8", "UTF-8"),
    ),
    (
        "FDC oversized field",
        lambda p: fdc_zip(
            p, {"food.csv": FDC_FOOD_HEADER + f'"2000001","foundation_food","{HUGE}","1",""\n'}
        ),
        ("food.csv", "longer than 131,072 characters"),
    ),
    (
        "FDC empty food.csv",
        lambda p: fdc_zip(p, {"food.csv": FDC_FOOD_HEADER}),
        ("food.csv holds no foods", "would empty the food database"),
    ),
    (
        "truncated zip",
        lambda p: p.write_bytes(sr28_zip(p).read_bytes()[:200]) and p,  # type: ignore[func-returns-value]
        ("not a zip file",),
    ),
]


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    code = run_guarded(app)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("builder", "expected"),
    [pytest.param(b, e, id=case) for case, b, e in BAD_ARCHIVES],
)
def test_bad_archive_exits_2_naming_the_member_and_keeps_the_earlier_import(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    builder: Callable[[Path], Path],
    expected: tuple[str, ...],
) -> None:
    good_sr28 = sr28_zip(tmp_path / "good-sr28.zip")
    good_fdc = fdc_zip(tmp_path / "good-fdc.zip")
    assert run(monkeypatch, capsys, "foods", "import", str(good_sr28))[0] == 0
    assert run(monkeypatch, capsys, "foods", "import", str(good_fdc))[0] == 0
    with FoodDatabase.open() as db:
        before = db.counts()
        cheese = db.get("01901")

    bad = builder(tmp_path / "bad.zip")
    code, _out, err = run(monkeypatch, capsys, "foods", "import", str(bad))

    assert code == 2, err
    assert "bug in b12pain" not in err and "Traceback" not in err
    assert f"error: path: '{bad}'" in err
    for words in expected:
        assert words in err
    with FoodDatabase.open() as db:  # all or nothing: the earlier imports are untouched
        assert db.counts() == before
        assert db.get("01901") == cheese
        assert db.search("testfish")[0].food_id == "15901"


@pytest.mark.parametrize(("case", "builder", "expected"), BAD_ARCHIVES[:3])
def test_bad_archive_json_errors(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
    builder: Callable[[Path], Path],
    expected: tuple[str, ...],
) -> None:
    import json

    bad = builder(tmp_path / "bad.zip")
    code, out, err = run(monkeypatch, capsys, "foods", "import", str(bad), "--json")
    assert code == 2 and err.count("bug") == 0
    problem = json.loads(out)["errors"][0]
    assert problem["field"] == "path" and problem["value"] == str(bad)
    assert expected[0] in problem["message"]


def test_skippable_rows_are_reported_not_refused(data_dir: Path, tmp_path: Path) -> None:
    """A value for a food the archive does not hold is skipped and counted, as before."""
    archive = sr28_zip(
        tmp_path / "extra.zip",
        {"NUT_DATA.txt": SR28_FILES["NUT_DATA.txt"] + "\r\n~99999~^~418~^1.0"},
    )
    with FoodDatabase.open() as db:
        report = db.import_archive(archive)
    assert report.foods == 2 and report.nutrient_values == 3
    assert [(s.file, s.count) for s in report.skipped] == [("nutrient values", 1)]


def test_food_database_is_private_whatever_the_umask(data_dir: Path) -> None:
    data_dir.chmod(0o755)
    old = os.umask(0o022)
    try:
        with FoodDatabase.open() as db:
            db.search("milk")
            path = db.path
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for side in path.parent.glob("foods.sqlite-*"):
        assert stat.S_IMODE(side.stat().st_mode) == 0o600, side


def test_control_characters_from_an_archive_are_shown_not_obeyed(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A description holding an ESC sequence or Rich markup prints as text on every command."""
    evil = "Testfish \x1b[2J [link=http://example.com]click[/link], invented"
    food_csv = (FDC_FIXTURE / "food.csv").read_text(encoding="utf-8")
    archive = fdc_zip(
        tmp_path / "evil.zip", {"food.csv": food_csv.replace("Testfish, grilled, invented", evil)}
    )
    assert run(monkeypatch, capsys, "foods", "import", str(archive))[0] == 0
    for args in (("show", "2000002"), ("search", "testfish"), ("match", "100 g testfish")):
        code, out, err = run(monkeypatch, capsys, "foods", *args)
        assert code == 0, err
        assert "\x1b" not in out and "\\x1b[2J" in out
        assert "[link=http://example.com]" in out  # shown as typed, not a live link


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FoodDatabase]:
    folder = tmp_path_factory.mktemp("fuzz")
    with FoodDatabase.open(folder / "foods.sqlite") as db:
        db.import_archive(sr28_zip(folder / "good.zip"))
        yield db


@settings(max_examples=100, deadline=None)
@given(
    member=st.sampled_from(sorted(SR28_FILES)),
    content=st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300),
)
def test_any_member_content_imports_or_is_refused_cleanly(
    fuzz_db: FoodDatabase, member: str, content: str
) -> None:
    """Whatever one member holds, an import succeeds or raises InputError: never anything else,
    and a refused import leaves the database as it was."""
    before = fuzz_db.counts()
    archive = sr28_zip(fuzz_db.path.parent / "fuzzed.zip", {member: content})
    try:
        fuzz_db.import_archive(archive)
    except InputError as exc:
        assert exc.problems and exc.problems[0].field == "path"
        assert fuzz_db.counts() == before


@settings(max_examples=100, deadline=None)
@given(
    member=st.sampled_from(["food.csv", "food_nutrient.csv", "nutrient.csv", "food_portion.csv"]),
    content=st.binary(max_size=300),
)
def test_any_fdc_member_bytes_import_or_are_refused_cleanly(
    fuzz_db: FoodDatabase, member: str, content: bytes
) -> None:
    """Any bytes in an FDC CSV (header or not, UTF-8 or not): success or InputError only."""
    before = fuzz_db.counts()
    archive = fdc_zip(fuzz_db.path.parent / "fuzzed.zip", {member: content})
    try:
        fuzz_db.import_archive(archive)
    except InputError as exc:
        assert exc.problems and exc.problems[0].field == "path"
        assert fuzz_db.counts() == before

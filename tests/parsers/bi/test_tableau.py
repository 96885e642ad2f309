"""Tableau: workbooks and data sources parsed with defusedxml into consumers with exact column reads."""

from __future__ import annotations

import io
import time
import zipfile

from parsers.bi.common import Sql
from parsers.bi.tableau import read_tableau, unpack
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, check_golden
from tests.parsers.bi.reads import notes, read_lines, sample_texts

GOLDEN = ROOT / "tests" / "golden" / "bi" / "tableau.reads"
SQL = Sql(SchemaRegistry())


def test_sample_workbook_reads_are_golden(update_golden: bool) -> None:
    [(shown, text)] = sample_texts("tableau", (".twb",))
    facts = read_tableau(shown, text, SQL)
    assert notes(facts) == []
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


TDS = """<?xml version='1.0' encoding='utf-8' ?>
<datasource formatted-name='orders' inline='true' version='18.1'>
  <connection class='federated'>
    <relation name='Custom SQL Query' type='text'>SELECT o.id, o.amount * r.rate AS amount_usd FROM shop.orders o JOIN shop.rates r ON r.day = o.day</relation>
    <metadata-records>
      <metadata-record class='column'><remote-name>amount_usd</remote-name><local-name>[Amount USD]</local-name><parent-name>[Custom SQL Query]</parent-name></metadata-record>
    </metadata-records>
  </connection>
  <column caption='Big' name='[Calculation_1]' role='dimension'><calculation class='tableau' formula='[Amount USD] &gt; 100' /></column>
</datasource>
"""


def test_a_data_source_file_with_custom_sql_metadata_records_and_a_calculation() -> None:
    facts = read_tableau("p/orders.tds", TDS, SQL)
    [source] = facts.consumers
    assert (source.id, source.at.line) == ("tableau:orders", 2)
    assert sorted((e.source_table, e.source_column, str(e.subtype)) for e in source.reads) == [
        ("shop.orders", "amount", "identity"),
        ("shop.orders", "day", "identity"),
        ("shop.rates", "day", "identity"),
        ("shop.rates", "rate", "identity"),
    ]


def test_a_packaged_workbook_is_read_from_its_zip() -> None:
    [(shown, text)] = sample_texts("tableau", (".twb",))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("regional_revenue.twb", text)
        archive.writestr("Data/Extracts/x.hyper", b"\0" * 100)
    unpacked = unpack("regional_revenue.twbx", packed.getvalue(), 2**20)
    assert unpacked == text


def test_an_xml_entity_bomb_is_refused_in_one_line_without_expanding() -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>\n<workbook>&j;</workbook>\n"
    started = time.perf_counter()
    facts = read_tableau("bomb.twb", bomb, SQL)
    assert time.perf_counter() - started < 2
    assert (facts.consumers, notes(facts)) == ((), ["bomb.twb:1: refused: the XML declares entities (an entity bomb or an external reference); not read"])


def test_a_zip_bomb_is_read_only_up_to_the_limit() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("book.twb", b"<workbook>" + b" " * (200 * 2**20) + b"</workbook>")
    assert len(packed.getvalue()) < 2**20
    started = time.perf_counter()
    result = unpack("bomb.twbx", packed.getvalue(), 2**20)
    assert time.perf_counter() - started < 2
    assert str(result) == "bomb.twbx: book.twb unpacks to more than 1 MB (a zip bomb or a data extract); not read"


def test_invalid_xml_and_a_zip_without_a_workbook_are_one_line_each() -> None:
    assert notes(read_tableau("bad.twb", "<workbook>\n<worksheets>\n</workbook>\n", SQL)) == ["bad.twb:3: not valid XML (mismatched tag); not read"]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("readme.txt", "x")
    assert str(unpack("empty.twbx", packed.getvalue(), 2**20)) == "empty.twbx: packaged file holds no .twb or .tds at its top level; not read"
    assert str(unpack("junk.twbx", b"not a zip", 2**20)) == "junk.twbx: not a readable zip (File is not a zip file); not read"

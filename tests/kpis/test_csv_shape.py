"""Reading the CSV's shape: size, encoding, header and field counts, each problem with its line."""
import pytest

from benchclub.kpis.csv_io import FileTooLargeError, read_rows, write_rows

HEADER = b"firm,period,kpi,value,source,comment\n"
LIMIT = 10 * 1024 * 1024


def test_good_file_is_split_into_rows_with_line_numbers():
    data = HEADER + b"SUP-A,2025-01,otd_pct,97.5,self,\n\nSUP-A,2025-01,lead_time_days,,,\"late, as usual\"\n"
    rows, errors = read_rows(data, limit=LIMIT)
    assert errors == []
    assert [(r.line, r.kpi, r.value, r.comment) for r in rows] == [
        (2, "otd_pct", "97.5", ""), (4, "lead_time_days", "", "late, as usual")]


def test_utf8_byte_order_mark_is_accepted():
    rows, errors = read_rows(b"\xef\xbb\xbf" + HEADER + b"SUP-A,2025-01,otd_pct,90,self,\n", limit=LIMIT)
    assert errors == [] and rows[0].firm == "SUP-A"


def test_file_that_is_not_utf8_is_rejected_with_the_line_of_the_first_bad_byte():
    data = HEADER + b"SUP-A,2025-01,otd_pct,90,self,\nSUP-A,2025-01,lead_time_days,3,self,Lieferverz\xf6gerung\n"
    rows, errors = read_rows(data, limit=LIMIT)
    assert rows == []
    assert errors[0].line == 3 and "not UTF-8" in errors[0].reason


def test_binary_file_is_rejected():
    _rows, errors = read_rows(b"PK\x03\x04\x00\x00binary", limit=LIMIT)
    assert "binary" in errors[0].reason or "UTF-8" in errors[0].reason


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file_is_rejected(data):
    _rows, errors = read_rows(data, limit=LIMIT)
    assert len(errors) == 1 and "empty" in errors[0].reason


def test_header_without_rows_is_rejected():
    _rows, errors = read_rows(HEADER, limit=LIMIT)
    assert "no rows" in errors[0].reason


def test_missing_column_in_the_header_is_named():
    _rows, errors = read_rows(b"firm,period,kpi,source,comment\nSUP-A,2025-01,otd_pct,self,\n", limit=LIMIT)
    assert errors[0].line == 1 and "Missing column(s): value" in errors[0].reason


def test_extra_column_in_the_header_is_named():
    _rows, errors = read_rows(b"firm,period,kpi,value,source,comment,unit\nSUP-A,2025-01,otd_pct,9,self,,%\n",
                              limit=LIMIT)
    assert "Unexpected column(s): unit" in errors[0].reason


def test_row_with_too_many_fields_is_reported_on_its_line():
    _rows, errors = read_rows(HEADER + b"SUP-A,2025-01,otd_pct,97,5,self,\n", limit=LIMIT)
    assert errors[0].line == 2 and "extra column" in errors[0].reason


def test_row_with_too_few_fields_is_reported_on_its_line():
    _rows, errors = read_rows(HEADER + b"SUP-A,2025-01,otd_pct\n", limit=LIMIT)
    assert errors[0].line == 2 and "missing column" in errors[0].reason


def test_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(FileTooLargeError, match="over 10 MB"):
        read_rows(b"\xff" * (LIMIT + 1), limit=LIMIT)  # not even valid UTF-8: size is checked first


def test_columns_may_come_in_any_order():
    rows, errors = read_rows(b"kpi,firm,value,period,comment,source\notd_pct,SUP-A,91,2025-01,,self\n", limit=LIMIT)
    assert errors == [] and (rows[0].firm, rows[0].period, rows[0].value) == ("SUP-A", "2025-01", "91")


def test_written_csv_has_the_header_and_quotes_commas():
    text = write_rows([("SUP-A", "2025-01", "otd_pct", "97.5", "self", "late, again")])
    assert text == 'firm,period,kpi,value,source,comment\nSUP-A,2025-01,otd_pct,97.5,self,"late, again"\n'

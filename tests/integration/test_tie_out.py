"""The tie-out, like with like (docs/property-and-equipment.md): modelled depreciation against
the reported depreciation of property and equipment, the rest of D&A a reported figure or a
residual, and three checks that hold on the filings' case and fail where the model is off.

Expected figures are computed here from the CSV files and the model's own modelled
depreciation (the ledger is tested in test_accounting and test_model); the checks are read
as modelgen caches them and as IronCalc recalculates the workbook.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from modelgen.build import build
from modelgen.engine.ironcalc import recalculate
from modelgen.engine.verify import judge, read_cached
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"
TICKERS = ("MSFT", "AMZN", "GOOGL", "META")
CHECKS = ("check_depreciation_ties", "check_da_ties", "check_amortization_sign")


def _copy(tmp_path: Path, scenario: str | None = None) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(SHIPPED, folder)
    if scenario:
        with open(folder / "settings.csv", "a", encoding="utf-8") as f:
            f.write(f"scenario,{scenario}\n")
    return folder


def _model(folder: Path):
    return build_model(load_inputs(folder), load_template())


def _failing(model) -> dict[str, float]:
    return {
        r.key: r.const_value()
        for r in model.sheets["Checks"].rows
        if r.key and r.key.startswith(CHECKS) and r.const_value() != 0
    }


def _filed(folder: Path, column: str) -> dict[tuple[str, str], float]:
    with open(folder / "financials.csv", encoding="utf-8", newline="") as f:
        return {
            (r["ticker"], r["period"]): float(r[column]) for r in csv.DictReader(f) if r[column]
        }


def test_the_filings_tie_and_the_articles_arithmetic_does_not(tmp_path):
    shipped = _model(SHIPPED)
    assert _failing(shipped) == {}
    article = _model(_copy(tmp_path, "Article"))
    failing = _failing(article)
    for t in TICKERS:  # 2023 and 2024 both off by far more than 5%
        assert failing[f"check_depreciation_ties:{t}"] == 2
        assert failing[f"check_da_ties:{t}"] == 2
    # above total D&A (a negative residual) everywhere but Amazon, whose D&A holds content
    # and lease amortization
    signs = {t for t in TICKERS if f"check_amortization_sign:{t}" in failing}
    assert signs == {"MSFT", "GOOGL", "META"}


def test_variance_and_the_rest_of_da_against_the_csv_files():
    model = _model(SHIPPED)
    ppe, dep = model.sheets["PP&E"], model.sheets["Depreciation"]
    filed, total = _filed(SHIPPED, "ppe_depreciation"), _filed(SHIPPED, "depreciation")
    for t in TICKERS:
        # every company reports PP&E depreciation wherever it reports D&A: amortization
        assert f"amortization:{t}" in ppe.by_key and f"depreciation_other:{t}" not in ppe.by_key
        last = None
        for p in model.periods:
            modelled = model.value("Depreciation", f"depreciation:{t}", p)
            variance = model.value("PP&E", f"depreciation_variance:{t}", p)
            amortization = model.value("PP&E", f"amortization:{t}", p)
            da = model.value("PP&E", f"depreciation_and_amortization:{t}", p)
            if (t, p) in filed:
                assert variance == pytest.approx(modelled - filed[t, p])
                pct = model.value("PP&E", f"depreciation_variance_pct:{t}", p)
                assert pct == pytest.approx(modelled / filed[t, p] - 1)
                assert amortization == pytest.approx(total[t, p] - filed[t, p])
                assert da == pytest.approx(total[t, p])  # D&A is the reported figure
                last = amortization
            else:  # held at the last reported amortization (amortization_growth 0)
                assert variance is None
                assert amortization == pytest.approx(last)
                assert da == pytest.approx(modelled + last)
        assert dep[f"depreciation:{t}"] is not None


def test_each_check_fails_on_data_made_to_break_it(tmp_path):
    folder = _copy(tmp_path)
    rows = list(csv.DictReader(open(folder / "financials.csv", encoding="utf-8", newline="")))
    for r in rows:
        if r["ticker"] == "META" and r["period"] == "2024":
            r["ppe_depreciation"] = str(float(r["ppe_depreciation"]) * 1.2)  # 20% more filed
            r["depreciation"] = str(float(r["depreciation"]) * 1.2)
        if r["ticker"] == "GOOGL" and r["period"] == "2023":
            r["depreciation"] = r["ppe_depreciation"] = "9.0"  # the model is 33% above it
    with open(folder / "financials.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    assert _failing(_model(folder)) == {
        "check_depreciation_ties:META": 1,
        "check_da_ties:META": 1,
        "check_depreciation_ties:GOOGL": 1,
        "check_da_ties:GOOGL": 1,
        "check_amortization_sign:GOOGL": 1,
    }


def test_a_company_reporting_total_da_only_has_the_residual(tmp_path):
    """Without ppe_depreciation the rest of D&A is reported less modelled (a residual): D&A
    equals the report, and the sign check is the one that can fail."""
    folder = _copy(tmp_path)
    rows = list(csv.DictReader(open(folder / "financials.csv", encoding="utf-8", newline="")))
    for r in rows:
        if r["ticker"] == "GOOGL":
            r["ppe_depreciation"] = ""
            if r["period"] == "2024":
                r["depreciation"] = "14.0"  # below the model's 16.1: a negative residual
    with open(folder / "financials.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    model = _model(folder)
    ppe = model.sheets["PP&E"]
    assert "depreciation_other:GOOGL" in ppe.by_key and "amortization:GOOGL" not in ppe.by_key
    assert "depreciation_other:TOTAL" in ppe.by_key  # a mix of the two: "other D&A"
    modelled = model.value("Depreciation", "depreciation:GOOGL", "2024")
    residual = model.value("PP&E", "depreciation_other:GOOGL", "2024")
    assert residual == pytest.approx(14.0 - modelled) and residual < 0
    assert model.value("PP&E", "depreciation_and_amortization:GOOGL", "2024") == 14.0
    assert model.value("PP&E", "depreciation_variance:GOOGL", "2024") is None
    explained = model.value("PP&E", "depreciation_explained:GOOGL", "2024")
    assert explained == pytest.approx(modelled / 14.0)  # against D&A, the figure there is
    assert _failing(model) == {"check_amortization_sign:GOOGL": 1}


def test_more_ppe_depreciation_than_da_is_refused(tmp_path):
    from modelgen.inputs.csvread import InputError

    folder = _copy(tmp_path)
    text = (folder / "financials.csv").read_text(encoding="utf-8")
    (folder / "financials.csv").write_text(text.replace(",52.795,32.1,", ",32.1,52.795,"))
    with pytest.raises(InputError) as caught:
        load_inputs(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == ("financials.csv", "ppe_depreciation")
    assert "AMZN 2024" in problem.message and "more than the total D&A" in problem.message


def test_an_engine_computes_the_checks_as_cached(tmp_path):
    """The Article workbook, recalculated by IronCalc: every cell as modelgen cached it, and
    the tie-out checks failing where they should."""
    result = build(_copy(tmp_path, "Article"), tmp_path / "article.xlsx")
    values = recalculate(result.out)
    report = judge(read_cached(result.out), values, "IronCalc")
    assert report.mismatches == [] and report.errors == [], report.lines()
    assert report.check_failures == result.model.check_failures() > 0
    checks = result.model.sheets["Checks"]
    for t in TICKERS:
        assert values["Checks", f"D{checks[f'check_depreciation_ties:{t}'].number}"] == 2
        assert values["Checks", f"D{checks[f'check_da_ties:{t}'].number}"] == 2


def test_the_sensitivity_varies_a_class_with_capex_in_the_case(tmp_path):
    """Its life axis defaults to the first company's largest class in the case the workbook
    opens on; a class without capex in the live case fails a check (every row the same)."""
    from modelgen.formulas.evaluate import evaluate_rows

    def class_check(model, chosen: str | None = None) -> float:
        if chosen is not None:
            model.sheets["Inputs"]["sensitivity_asset_class"].const = chosen
            evaluate_rows(model.all_rows(), model.n_periods)
        return model.sheets["Checks"]["check_sensitivity_class_capex"].const_value()

    shipped, article = _model(SHIPPED), _model(_copy(tmp_path, "Article"))
    assert shipped.value("Inputs", "sensitivity_asset_class") == "servers"  # Microsoft's 48%
    assert article.value("Inputs", "sensitivity_asset_class") == "all_assets"
    assert class_check(shipped) == 0 and class_check(article) == 0
    table = shipped.sheets["Sensitivity"]
    rows = [table[f"sensitivity_depreciation_pct_net_income:{i}"].period_result() for i in (1, 11)]
    assert list(rows[0]) != list(rows[1])  # the life changes the table
    assert class_check(shipped, "all_assets") == 1
    assert class_check(article, "servers") == 1
    assert shipped.check_failures() == 1

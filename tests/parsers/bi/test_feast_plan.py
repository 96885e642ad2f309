"""The sample feature repository is one real Feast accepts: `feast plan` (scripts/feast-plan.sh) creates
exactly the views and services our `ast` reader turns into consumers."""

from __future__ import annotations

import re
import subprocess

from parsers.bi.common import Sql
from parsers.bi.feast import read_feast
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT
from tests.parsers.bi.reads import sample_texts


def test_feast_plan_accepts_the_sample_repository_and_creates_what_we_read() -> None:
    done = subprocess.run(["bash", str(ROOT / "scripts" / "feast-plan.sh")], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    created = set(re.findall(r"^Created feature (?:view|service) (\S+)$", done.stdout, re.MULTILINE))
    ours = {c.id.removeprefix("feast:") for c in read_feast(sample_texts("feast", (".py",)), Sql(SchemaRegistry())).consumers}
    assert created == ours == {"payment_mix", "customer_profile", "order_value_stats", "customer_value", "churn_model_v1", "checkout_fraud_v2"}

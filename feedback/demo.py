from datetime import datetime

from .reports import demo as reports_demo


def demo_load(*, moment: datetime) -> None:
    # --- Six-monthly theme reports -----------------------------------------------------------------
    reports_demo.demo_load(moment=moment)

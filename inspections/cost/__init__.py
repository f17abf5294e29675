"""Cost in pounds: hourly cost rates per team, and staff hours turned into pounds.

- ``models``: :class:`CostRate` (a national default or a council's own rate for one team, from
  a date) and :class:`ReferenceFigure` (a public figure to set costs beside);
- ``rates``: pure arithmetic: which rate applies to an hour (no database);
- ``selectors``: cost per event, per council and financial year, per region and per 10,000
  children and young people, with the same visibility rules as hours;
- ``services``: writes of rates (they make every cached figure stale).
"""

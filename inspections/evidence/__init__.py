"""The evidence pack: one printable page of the figures a consultation response quotes, for
England, a region or a council and a period, and the ZIP of the CSVs and charts behind it.

- ``forms``: the scope (place and period), shared with the inadequate journey page;
- ``pack``: gathers every figure from the selectors that the dashboards and exports use;
- ``bundle``: the ZIP (CSVs from the exports' own row functions, charts as SVG and PNG).
"""

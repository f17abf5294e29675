"""The inadequate journey: what happens to a council after an 'inadequate' judgement.

- ``history``: pure functions from a council's judgements and events to its journeys and spells
  (no database), tested on hand-made histories;
- ``selectors``: the journeys of every council in scope, with hours and cost while inadequate
  (visibility as for hours), and the national and regional figures.
"""

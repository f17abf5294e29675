"""Staff hours summed by event, team and phase, kept by triggers on the staff-time table.

PostgreSQL: statement-level triggers with transition tables, so that a bulk load of thousands of
entries costs one grouped upsert, not one per row. SQLite: row-level triggers (no transition
tables there). Both add the new rows, subtract the old ones and drop sums left with no entries.
The last step fills the table from the entries already there.
"""

import django.db.models.deletion
from django.db import migrations, models

ROLLUP = "inspections_stafftimerollup"
STAFF = "inspections_stafftime"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION inspections_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {ROLLUP} (event_id, team, phase, hours, entries)
        SELECT event_id, team, phase, SUM(hours), COUNT(*) FROM new_rows
        GROUP BY event_id, team, phase ORDER BY event_id, team, phase
        ON CONFLICT (event_id, team, phase) DO UPDATE
        SET hours = {ROLLUP}.hours + EXCLUDED.hours, entries = {ROLLUP}.entries + EXCLUDED.entries;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION inspections_rollup_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {ROLLUP} AS r SET hours = r.hours - o.hours, entries = r.entries - o.entries
        FROM (
            SELECT event_id, team, phase, SUM(hours) AS hours, COUNT(*) AS entries
            FROM old_rows GROUP BY event_id, team, phase
        ) AS o
        WHERE r.event_id = o.event_id AND r.team = o.team AND r.phase = o.phase;
        DELETE FROM {ROLLUP} AS r USING (SELECT DISTINCT event_id, team, phase FROM old_rows) AS o
        WHERE r.event_id = o.event_id AND r.team = o.team AND r.phase = o.phase
          AND r.entries <= 0;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION inspections_rollup_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {ROLLUP} AS r SET hours = r.hours - o.hours, entries = r.entries - o.entries
        FROM (
            SELECT event_id, team, phase, SUM(hours) AS hours, COUNT(*) AS entries
            FROM old_rows GROUP BY event_id, team, phase
        ) AS o
        WHERE r.event_id = o.event_id AND r.team = o.team AND r.phase = o.phase;
        INSERT INTO {ROLLUP} (event_id, team, phase, hours, entries)
        SELECT event_id, team, phase, SUM(hours), COUNT(*) FROM new_rows
        GROUP BY event_id, team, phase ORDER BY event_id, team, phase
        ON CONFLICT (event_id, team, phase) DO UPDATE
        SET hours = {ROLLUP}.hours + EXCLUDED.hours, entries = {ROLLUP}.entries + EXCLUDED.entries;
        DELETE FROM {ROLLUP} AS r USING (SELECT DISTINCT event_id, team, phase FROM old_rows) AS o
        WHERE r.event_id = o.event_id AND r.team = o.team AND r.phase = o.phase
          AND r.entries <= 0;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER inspections_rollup_insert AFTER INSERT ON {STAFF}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inspections_rollup_add()
    """,
    f"""
    CREATE TRIGGER inspections_rollup_delete AFTER DELETE ON {STAFF}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inspections_rollup_subtract()
    """,
    f"""
    CREATE TRIGGER inspections_rollup_update AFTER UPDATE ON {STAFF}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inspections_rollup_change()
    """,
    # TRUNCATE fires no delete triggers: empty the sums with it (DELETE, because a TRUNCATE of
    # both tables at once, as Django's flush does, may not truncate again inside its trigger).
    f"""
    CREATE OR REPLACE FUNCTION inspections_rollup_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {ROLLUP};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER inspections_rollup_truncate AFTER TRUNCATE ON {STAFF}
    FOR EACH STATEMENT EXECUTE FUNCTION inspections_rollup_empty()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS inspections_rollup_insert ON {STAFF}",
    f"DROP TRIGGER IF EXISTS inspections_rollup_delete ON {STAFF}",
    f"DROP TRIGGER IF EXISTS inspections_rollup_update ON {STAFF}",
    f"DROP TRIGGER IF EXISTS inspections_rollup_truncate ON {STAFF}",
    "DROP FUNCTION IF EXISTS inspections_rollup_add()",
    "DROP FUNCTION IF EXISTS inspections_rollup_subtract()",
    "DROP FUNCTION IF EXISTS inspections_rollup_change()",
    "DROP FUNCTION IF EXISTS inspections_rollup_empty()",
]

_SQLITE_ADD = f"""
    INSERT INTO {ROLLUP} (event_id, team, phase, hours, entries)
    VALUES (NEW.event_id, NEW.team, NEW.phase, NEW.hours, 1)
    ON CONFLICT (event_id, team, phase) DO UPDATE
    SET hours = hours + excluded.hours, entries = entries + 1;
"""
_SQLITE_SUBTRACT = f"""
    UPDATE {ROLLUP} SET hours = hours - OLD.hours, entries = entries - 1
    WHERE event_id = OLD.event_id AND team = OLD.team AND phase = OLD.phase;
    DELETE FROM {ROLLUP}
    WHERE event_id = OLD.event_id AND team = OLD.team AND phase = OLD.phase AND entries <= 0;
"""
SQLITE = [
    f"CREATE TRIGGER inspections_rollup_insert AFTER INSERT ON {STAFF} BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER inspections_rollup_delete AFTER DELETE ON {STAFF} BEGIN {_SQLITE_SUBTRACT} END",
    f"CREATE TRIGGER inspections_rollup_update AFTER UPDATE ON {STAFF} "
    f"BEGIN {_SQLITE_SUBTRACT} {_SQLITE_ADD} END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS inspections_rollup_insert",
    "DROP TRIGGER IF EXISTS inspections_rollup_delete",
    "DROP TRIGGER IF EXISTS inspections_rollup_update",
]

FILL = f"""
    INSERT INTO {ROLLUP} (event_id, team, phase, hours, entries)
    SELECT event_id, team, phase, SUM(hours), COUNT(*) FROM {STAFF} GROUP BY event_id, team, phase
"""


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"No staff-time rollup triggers written for {vendor}")
        for statement in statements[vendor]:
            schema_editor.execute(statement)

    return run


def triggers_create(apps, schema_editor):
    _run({"postgresql": POSTGRESQL, "sqlite": SQLITE})(apps, schema_editor)
    schema_editor.execute(FILL)


def triggers_drop(apps, schema_editor):
    _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_reference_data'),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffTimeRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team', models.CharField(choices=[('data', 'Data and performance'), ('practitioners', 'Practitioners'), ('managers', 'Managers'), ('senior_leaders', 'Senior leaders'), ('partners', 'Partner agencies'), ('other', 'Other')], max_length=20)),
                ('phase', models.CharField(choices=[('preparation', 'Preparation'), ('on_site', 'On site'), ('after', 'After')], max_length=20)),
                ('hours', models.DecimalField(decimal_places=2, max_digits=12)),
                ('entries', models.PositiveIntegerField()),
                ('event', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.inspectionevent')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('event', 'team', 'phase'), name='one_rollup_per_event_team_and_phase')],
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]

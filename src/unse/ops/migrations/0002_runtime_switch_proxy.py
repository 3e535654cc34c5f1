# The concrete model moved to core (core.0001_runtime_switch); the console keeps a proxy under the same
# name, so its admin URLs and the `ops.*_runtimeswitch` permissions stay. State only: the table is kept.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_runtime_switch"),
        ("ops", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RuntimeSwitch"),
                migrations.CreateModel(
                    name="RuntimeSwitch",
                    fields=[],
                    options={
                        "verbose_name": "운영 스위치",
                        "verbose_name_plural": "운영 스위치",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("core.runtimeswitch",),
                ),
            ],
            database_operations=[],
        ),
    ]

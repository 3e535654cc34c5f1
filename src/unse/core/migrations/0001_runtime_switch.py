# The runtime switches' model moved from ops to core with its store (issue 15). The table stays the one
# ops.0001_initial created: this migration only changes Django's state, no SQL runs.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("ops", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RuntimeSwitch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=64, unique=True, verbose_name="스위치")),
                        ("value", models.JSONField(verbose_name="값")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="변경 시각")),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="변경한 관리자",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "운영 스위치",
                        "verbose_name_plural": "운영 스위치",
                        "db_table": "ops_runtime_switch",
                        "ordering": ("name",),
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

from django.db import migrations, models

TABLES = ("search_case", "search_article")


def create_index_tables(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        statements = [
            sql
            for table in TABLES
            for sql in (
                f"CREATE TABLE {table} (object_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
                f"CREATE INDEX {table}_vector ON {table} USING gin (vector) "
                "WITH (fastupdate = off)",
            )
        ]
    elif connection.vendor == "sqlite":
        statements = [
            f"CREATE VIRTUAL TABLE {table} USING fts5(title, public, meta, internal, scope, "
            "tokenize=\"unicode61 remove_diacritics 0 tokenchars '-._/:~'\")"
            for table in TABLES
        ]
    else:
        raise NotImplementedError(f"Search has no backend for {connection.vendor}.")
    for sql in statements:
        schema_editor.execute(sql)


def drop_index_tables(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("words", models.CharField(help_text="Two or more words or phrases that mean the same, separated by commas.", max_length=500, verbose_name="words")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "synonym group",
                "verbose_name_plural": "synonym dictionary",
                "ordering": ["id"],
            },
        ),
        # The index tables have a different shape per database (a tsvector with a GIN index
        # on PostgreSQL, an FTS5 table on SQLite): Django knows them by name only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseIndex",
                    fields=[("object_id", models.BigIntegerField(primary_key=True, serialize=False))],
                    options={"verbose_name": "case search index", "db_table": "search_case", "default_permissions": ()},
                ),
                migrations.CreateModel(
                    name="ArticleIndex",
                    fields=[("object_id", models.BigIntegerField(primary_key=True, serialize=False))],
                    options={"verbose_name": "article search index", "db_table": "search_article", "default_permissions": ()},
                ),
            ],
            database_operations=[
                migrations.RunPython(create_index_tables, drop_index_tables),
            ],
        ),
    ]

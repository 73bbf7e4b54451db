"""The order desk's staff groups: "Support" looks orders up; "Support lead" also refunds and
cancels on the buyer's behalf (orders.refund_order). Both read the audit log."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = [("orders", "view_order"), ("orders", "view_sellerorder"), ("audit", "view_auditentry")]
GROUPS = {"Support": VIEW, "Support lead": VIEW + [("orders", "refund_order")]}


def forwards(apps, schema_editor):
    # Permissions are created after migrate; create the ones the groups need now.
    for label in ("orders", "audit"):
        config = apps.get_app_config(label)
        config.models_module = getattr(config, "models_module", None) or True  # a migration's app configs have none
        create_permissions(config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_order_desk"), ("audit", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(forwards, backwards)]

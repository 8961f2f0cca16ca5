"""ASN staff phones encrypted at rest, with a blind index for the SMS gateway's lookup (as
officers' phones are): the numbers already stored are sealed, then the clear column dropped."""

from django.db import migrations, models

from siaga.officers import crypto

PHONE_COLUMN = "staff_phone"  # as operations.models.PHONE_COLUMN


def seal_phones(apps, schema_editor):
    Staff = apps.get_model("operations", "Staff")
    sealed = []
    for staff in Staff.objects.exclude(phone=""):
        staff.phone_cipher = crypto.encrypt(staff.phone, PHONE_COLUMN)
        staff.phone_index = crypto.phone_index(staff.phone)
        sealed.append(staff)
    Staff.objects.bulk_update(sealed, ["phone_cipher", "phone_index"], batch_size=1000)


def open_phones(apps, schema_editor):
    Staff = apps.get_model("operations", "Staff")
    opened = []
    for staff in Staff.objects.exclude(phone_cipher=""):
        staff.phone = crypto.decrypt(staff.phone_cipher, PHONE_COLUMN)
        opened.append(staff)
    Staff.objects.bulk_update(opened, ["phone"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('operations', '0004_report_constraints'),
    ]

    operations = [
        migrations.AddField(
            model_name='staff',
            name='phone_cipher',
            field=models.TextField(blank=True, verbose_name='phone (encrypted)'),
        ),
        migrations.AddField(
            model_name='staff',
            name='phone_index',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(seal_phones, open_phones),
        migrations.RemoveField(
            model_name='staff',
            name='phone',
        ),
    ]

"""`python manage.py verify_case_files [--case REFERENCE] [--nightly] [--export FILE.zip]`.

Recomputes the hash chains of every case and statutory process (or one case) and names each record changed, removed or inserted
outside the service. `--nightly` does what the beat task does each night: it also seals each chain,
records the digest of every case's latest hash and tells the administrators of a break. `--export`
checks a case file ZIP instead: every file against the manifest, and the manifest's chain against
the records it carries. Exits 1 when anything does not match.
"""

from django.core.management.base import BaseCommand, CommandError

from casefile.exports import export_check
from casefile.services import case_files_verify
from casefile.verification import case_chain_verify
from casework.models import Case


class Command(BaseCommand):
    help = "Check that no case record was changed, removed or inserted outside the service."

    def add_arguments(self, parser):
        parser.add_argument("--case", help="Check only this case, by its reference (e.g. SEND-2026-000123).")
        parser.add_argument(
            "--nightly", action="store_true", help="Also seal each chain, record the digest and alert administrators."
        )
        parser.add_argument("--export", metavar="FILE.zip", help="Check a case file ZIP against its manifest.")

    def handle(self, *args, case=None, nightly=False, export=None, **options):
        if export:
            problems = self._check_export(export)
        elif case:
            problems = self._check_case(case)
        else:
            run = case_files_verify(nightly=nightly)
            problems = [str(each) for each in run.breaks]
            self.stdout.write(f"Checked {run.cases} cases and {run.processes} statutory processes.")
            if run.digest:
                self.stdout.write(
                    f"Digest of every latest hash ({run.digest.cases} cases, {run.digest.processes} statutory "
                    f"processes): {run.digest.digest}"
                )
        for problem in problems:
            self.stdout.write(self.style.ERROR(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Intact: nothing was altered outside the service."))

    def _check_case(self, reference: str) -> list[str]:
        found = Case.objects.filter(reference=reference).first()
        if found is None:
            raise CommandError(f"No case has the reference {reference}.")
        report = case_chain_verify(found)
        self.stdout.write(f"{reference}: {report.records} records, chain ends at {report.head}")
        return [str(each) for each in report.breaks]

    def _check_export(self, path: str) -> list[str]:
        try:
            with open(path, "rb") as stream:
                result = export_check(stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        self.stdout.write(f"{path}: {result.files} files, {result.records} records, chain ends at {result.head}")
        return result.problems

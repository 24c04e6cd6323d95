"""The `kpb` command: parse, call kpb.api, render, set the exit code. No logic lives here."""

from __future__ import annotations

import errno
import functools
import signal
import sys
from pathlib import Path


def _interrupted_early(signum, frame):
    """Ctrl-C while Python still imports kpb's libraries: the same line as later, no traceback."""
    sys.stderr.write("kpb: avbrutet (Ctrl-C). En avbruten körning lämnar förra resultatet "
                     "orört.\n")
    sys.exit(1)


signal.signal(signal.SIGINT, _interrupted_early)  # main() restores Python's own handler

import click  # noqa: E402

from kpb import __version__, api  # noqa: E402
from kpb.errors import InternalError, KpbError  # noqa: E402

MAX_PROBLEMS_SHOWN = 200


class YearType(click.ParamType):
    """A verksamhetsår: four digits between 1900 and 2100 (a typo such as -5 or 20024 is named
    here, before any file is read)."""
    name = "ÅR"

    def convert(self, value, param, ctx):
        try:
            year = int(value)
        except (TypeError, ValueError):
            self.fail(f"fann {value!r}, väntade ett verksamhetsår som 2024", param, ctx)
        if not 1900 <= year <= 2100:
            self.fail(f"fann {year}, väntade ett verksamhetsår mellan 1900 och 2100", param, ctx)
        return year


YEAR = YearType()


def project_option(fn):
    """--project DIR, shared by every command that works on a project folder."""
    return click.option(
        "--project", "-p", "project_dir", default=".", show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Projektmappen (med kpb.toml, regler/, data/).")(fn)


def quiet_option(fn):
    return click.option("--tyst", "-q", "quiet", is_flag=True,
                        help="Visa inga framstegsrader, bara resultatet.")(fn)


def reports_errors(fn):
    """Turn a KpbError into `file:line: column: message` lines on stderr and exit code 1; an
    InternalError (kpb's own bookkeeping broke: a bug) into a plea to report it, exit code 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KpbError as failure:
            _print_problems(failure)
            sys.exit(1)
        except InternalError as failure:
            click.echo(f"kpb: internt fel i steget {failure}. Inget har skrivits. Detta är ett "
                       "fel i kpb, inte i dina data: rapportera det gärna med meddelandet.",
                       err=True)
            sys.exit(2)
    return wrapper


def _print_problems(failure: KpbError) -> None:
    for problem in failure.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(str(problem), err=True)
    hidden = len(failure.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        click.echo(f"... och {hidden} problem till", err=True)
    warnings = len(failure.problems) - len(failure.errors)
    click.echo(f"kpb: steget {failure.stage} misslyckades: {len(failure.errors)} fel, "
               f"{warnings} varningar. Inget har skrivits.", err=True)


def _progress(quiet: bool):
    if quiet:
        return api.silent
    return lambda message: click.echo(f"· {message}", err=True)


def _echo_lines(lines) -> None:
    for line in lines:
        click.echo(line)


# Swedish words for the operating system's refusals a user can cause and fix.
OS_ERRORS = {errno.EACCES: "saknar behörighet", errno.EPERM: "saknar behörighet",
             errno.ENOSPC: "disken är full", errno.EROFS: "filsystemet är skrivskyddat",
             errno.ENOENT: "finns inte", errno.EISDIR: "är en mapp", errno.ENOTDIR: "är ingen mapp",
             errno.ELOOP: "länkarna pekar på varandra", errno.EDQUOT: "diskkvoten är slut"}


class SafeGroup(click.Group):
    """The last guard: whatever a command lets through becomes one Swedish line. A failure
    the user can cause and fix (a file kpb may not read or write, a full disk, kpb.duckdb
    locked by another run, Ctrl-C) exits 1; anything else is a bug in kpb, exit 2."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as failure:
            failure.exit_code = 1  # a mistyped command is the user's to fix: 2 means a bug
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as failure:
            failure.exit_code = 1
            raise
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail(1, "avbrutet (Ctrl-C). En avbruten körning lämnar förra resultatet orört.")
        except OSError as failure:
            _fail(1, _os_message(failure))
        except Exception as failure:  # noqa: BLE001: the one place that must catch all
            _fail(*_other_failure(failure))


def _os_message(failure: OSError) -> str:
    what = OS_ERRORS.get(failure.errno, failure.strerror or type(failure).__name__)
    where = f"{failure.filename}: " if failure.filename else ""
    if failure.errno == errno.ENOSPC:
        return f"{where}{what}: frigör utrymme och kör igen"
    return (f"{where}{what} ({failure.strerror}): väntade en fil eller mapp som kpb får läsa "
            "och skriva (kontrollera rättigheterna)")


def _other_failure(failure: Exception) -> tuple[int, str]:
    import duckdb

    if isinstance(failure, duckdb.IOException) and "lock" in str(failure).lower():
        return 1, ("kpb.duckdb används av en annan körning (t.ex. kpb compute i ett annat "
                   "fönster): vänta tills den är klar och kör igen")
    if isinstance(failure, duckdb.InterruptException) or "Query interrupted" in str(failure):
        return 1, "avbrutet (Ctrl-C). En avbruten körning lämnar förra resultatet orört."
    if "No space left on device" in str(failure) or "ENOSPC" in str(failure):
        return 1, ("disken är full: frigör utrymme och kör igen. En körning som inte kunde "
                   "skrivas färdigt lämnar förra resultatet orört.")
    if isinstance(failure, duckdb.IOException):
        return 1, f"kpb.duckdb kunde inte öppnas eller skrivas: {failure}"
    return 2, (f"oväntat fel ({type(failure).__name__}: {api.mask(str(failure))[:300]}). "
               "Det är ett fel i kpb, inte i dina data: rapportera det gärna med kommandot "
               "och detta meddelande.")


def _fail(code: int, message: str) -> None:
    click.echo(f"kpb: {message}", err=True)
    sys.exit(code)


class _Main(SafeGroup):
    def main(self, *args, **kwargs):
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C: KeyboardInterrupt
        return super().main(*args, **kwargs)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kpb")
def main():
    """kpb räknar kostnad per brukare (KPB) för socialtjänsten, exakt på öret.

    \b
    Ett projekt är en mapp med kpb.toml, regler/<år>.toml och data/<år>/{ledger,
    aktivitet,direkt,nycklar}/. Vanligt arbetsflöde:
      kpb check 2024      allt som compute skulle vägra, på en gång; skriver inget
      kpb compute 2024    räkna KPB: ut/2024/*.parquet, kpb_2024.xlsx, rapport.html
      kpb sql "select insats, styckkostnad from insats"     (senaste året; --ar ÅR)
      kpb explain PERSON_ID 2024   kedjan huvudbok → pool → styckkostnad → kostnad
      kpb jamfor 2022 2024         ett KPB mot det förra
      kpb uppfoljning 2024         året månad för månad: kostnad, volym, flöden
    """


def new_key_option(fn):
    return click.option("--ny-nyckel", "new_key", is_flag=True,
                        help="Skapa en ny pseudonymnyckel när nyckelfilen saknas, fast projektet "
                             "har tidigare data (alla person_id byts).")(fn)


def year_command(fn):
    """A command over one verksamhetsår of a project: YEAR, --project, --tyst, --ny-nyckel,
    clear errors."""
    fn = project_option(quiet_option(new_key_option(reports_errors(fn))))
    return main.command()(click.argument("year", type=YEAR)(fn))


def strict_option(fn):
    return click.option("--strikt", "strikt", is_flag=True,
                        help="Behandla varje varning som ett fel (för en körning som ska vara "
                             "helt ren, t.ex. i kommunens egna skript).")(fn)


@year_command
def load(year, project_dir, quiet, new_key):
    """Läs in årets exporter till kpb.duckdb (validerade, pseudonymiserade).

    Läser data/YEAR/ledger, aktivitet, direkt och nycklar. Alla fel i alla filer
    rapporteras som fil:rad: kolumn: besked; vid fel lämnas kpb.duckdb orörd.
    """
    result = api.load(project_dir, year, _progress(quiet), new_key=new_key)
    _echo_lines(api.render_text([result.sections[0], result.sections[-1]]))


@year_command
@strict_option
def check(year, project_dir, quiet, strikt, new_key):
    """Hitta allt som `kpb compute` skulle vägra, på en gång, utan att skriva något.

    Läser regler och exporter och kontrollerar data mot reglerna: huvudboksrader som
    ingen pool tar, rader utanför året, okända insatskoder, nycklar, pooler med kostnad
    men ingen volym, orimliga värden. Sammanfattningen visar rader och summor per källa
    och kontoklass, brukare, periodtäckning, nycklarnas vikter och varningarna per slag.
    Avslutas med felkod 1 om något fel hittades (med --strikt även vid varningar).
    """
    result = api.check(project_dir, year, _progress(quiet), strikt=strikt, new_key=new_key)
    _echo_lines(api.render_text(result.sections))


@year_command
@strict_option
@click.option("--utan-rapport", "without_report", is_flag=True,
              help="Skriv inte rapporten (kpb_ÅR.xlsx och rapport.html).")
def compute(year, project_dir, quiet, strikt, new_key, without_report):
    """Räkna KPB för verksamhetsåret YEAR och skriv ut/YEAR/.

    Steg: regler → inläsning → kontroll → fördelning → skrivning. Kontrollen är
    densamma som `kpb check`: hittar den fel skrivs ingenting. Resultaten skrivs som
    Parquet (brukare_insats, brukare, insats, pool, fordelning, ledger_pool,
    avstamning, manifest.json med varningarna) och blir vyer i kpb.duckdb. Indata i
    kpb.duckdb och resultaten i ut/YEAR byts tillsammans: en avbruten eller
    misslyckad körning lämnar båda som de var.
    """
    result = api.compute(project_dir, year, _progress(quiet), strikt=strikt, new_key=new_key,
                         report=not without_report)
    _echo_lines(api.render_text(result.sections))
    click.echo(f"Resultat: {result.output_dir}")
    if result.report_files:
        click.echo("Rapport: " + ", ".join(str(f) for f in result.report_files))
    for note in api.sql_notes(project_dir):  # comparisons and follow-ups this run made stale
        click.echo(f"kpb compute: obs: {note}", err=True)


@main.command()
@click.argument("year", type=YEAR)
@project_option
@quiet_option
@reports_errors
@click.option("--publicera", "publish", is_flag=True,
              help="Skriv versionen för publicering (kpb_ÅR_publicerad.xlsx, "
                   "rapport_publicerad.html): uppgifter om färre än 3 personer, där en person "
                   "bär mer än halva kostnaden, eller som annars kan räknas fram, visas som .. "
                   "(gränserna: [publicering] i kpb.toml)")
def rapport(year, project_dir, quiet, publish):
    """Skriv KPB-rapporten för ett beräknat år: en Excel-arbetsbok och en webbsida.

    \b
    ut/YEAR/kpb_YEAR.xlsx   sammanfattning, kostnad per insats (kr/timme,
                            kr/dygn, kr/månad, kr/st), brukare, per invånare,
                            fördelning, ytterfall, pooler, gemensamma
                            kostnader och avstämning, med diagram i Excel
    ut/YEAR/rapport.html    samma tabeller och diagram i en enda fil som
                            öppnas utan nätverk och skrivs ut som PDF

    Läser resultaten i ut/YEAR/*.parquet: kör `kpb compute YEAR` först (compute
    skriver rapporten själv om inte --utan-rapport anges). Med --publicera skrivs
    en skyddad version för tabeller som lämnar förvaltningen; den interna är orörd.
    """
    report = api.rapport(project_dir, year, _progress(quiet), publicera=publish)
    for note in api.sql_notes(project_dir):  # what the report leaves out, and why
        click.echo(f"kpb rapport: obs: {note}", err=True)
    for path in report.files:
        click.echo(f"Skrev {path}")


@main.command("sql")
@click.argument("query")
@project_option
@click.option("--csv", "as_csv", is_flag=True,
              help="Skriv resultatet som CSV på stdout: semikolon, decimalkomma och UTF-8 med "
                   "BOM, som svenskt Excel öppnar direkt.")
@click.option("--csv-format", "csv_format", type=click.Choice(["svensk", "standard"]),
              default="svensk", show_default=True,
              help="standard: komma, decimalpunkt, utan BOM (för andra program).")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Skriv resultatet till en Excel-fil (ett blad).")
@click.option("--parquet", "parquet_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Skriv resultatet till en Parquet-fil.")
@click.option("--skriv-over", "overwrite", is_flag=True,
              help="Ersätt en befintlig fil med --xlsx eller --parquet (aldrig projektets "
                   "egna filer).")
@click.option("--rader", "max_rows", default=50, show_default=True,
              help="Högst så många rader i tabellvisningen.")
@click.option("--ar", "year", type=int, default=None,
              help="Verksamhetsåret som vyerna visar (standard: det senast beräknade).")
@reports_errors
def sql_command(query, project_dir, as_csv, csv_format, xlsx_file, parquet_file, overwrite,
                max_rows, year):
    """Fråga resultaten med SQL (DuckDB), t.ex.

    \b
      kpb sql "select insats, styckkostnad from insats order by 1"
      kpb sql "select aldersgrupp, median(kostnad) from brukare group by 1" --csv > ut.csv
      kpb sql "select * from insats" --xlsx insats.xlsx

    Vyerna brukare_insats, brukare, insats, pool, fordelning, ledger_pool och
    avstamning, och de inlästa tabellerna ledger, aktivitet, direkt, nycklar och
    person, visar ett år: det senast beräknade, eller det som --ar anger. Samma namn
    med _alla_ar (t.ex. brukare_alla_ar) har alla beräknade år, med kolumnen ar.
    Hushåll, utfall och jämförelser: hushall, hushall_insats, utfall_insats,
    utfall_deltagare, kolada och (efter kpb jamfor) jamfor_styckkostnad, jamfor_omrade,
    jamfor_floden och jamfor_byten (den senaste jämförelsen; _alla_ar: alla).
    """
    import duckdb

    for note in api.sql_notes(project_dir):
        click.echo(f"kpb sql: obs: {note}", err=True)
    targets = {"parquet": parquet_file, "xlsx": xlsx_file}
    api.check_export_targets(project_dir, targets, overwrite)  # before the query runs
    try:
        frame = api.sql(project_dir, query, year)
    except duckdb.Error as failure:
        raise click.ClickException(f"SQL-fel: {failure}") from None
    for kind, path in targets.items():
        if path:
            api.export_sql(project_dir, frame, path, kind, query, overwrite)
            click.echo(f"{frame.height} rader skrivna till {path}")
    if as_csv:
        click.echo(api.sql_csv(frame, csv_format), nl=False)
    elif not (parquet_file or xlsx_file):
        click.echo(api.sql_table(frame, max_rows))


@main.command()
@click.argument("person_id")
@click.argument("year_argument", metavar="YEAR", type=int, required=False)
@click.option("--year", "-y", "year_option", type=int,
              help="Verksamhetsår (samma som YEAR, för äldre skript).")
@click.option("--insats", help="Visa bara denna insats.")
@project_option
@reports_errors
def explain(person_id, year_argument, year_option, insats, project_dir):
    """Visa hur en brukares kostnad uppstod, steg för steg, t.ex.

    \b
      kpb explain 3f2a9c0d1e4b5a6c7d8e 2024
      kpb explain $(kpb vem 19121212-1212 2024) 2024

    För varje insats: huvudboksrader (antal, summa, filer) → pool → mottagna
    gemensamma kostnader (från vilka pooler, med vilka nyckelvärden) → poolens
    kostnad ÷ volym = styckkostnad i kr per timme, dygn, månad eller st →
    brukarens volym → kostnad. För direktpooler (fakturor, utbetalningar):
    brukarens egna belopp och andelen av poolens övriga kostnader.
    PERSON_ID är pseudonymen i brukare.parquet (aldrig ett personnummer).
    """
    if year_argument is not None and year_option is not None and year_argument != year_option:
        raise click.UsageError(f"två olika år: {year_argument} och --year {year_option}")
    year = year_argument if year_argument is not None else year_option
    if year is None:
        raise click.UsageError("ange verksamhetsåret: kpb explain PERSON_ID 2024")
    _echo_lines(api.explain(project_dir, year, person_id, insats))


@main.command()
@click.argument("personnummer")
@click.argument("year", type=YEAR)
@project_option
@reports_errors
def vem(personnummer, year, project_dir):
    """Visa person_id (pseudonymen) för ett personnummer, för den som har nyckeln.

    \b
      kpb vem 19121212-1212 2024
      kpb explain $(kpb vem 19121212-1212 2024) 2024

    Skriver bara person_id, inget annat. Pseudonymen räknas med kommunens nyckel
    (miljövariabeln eller nyckelfilen i kpb.toml); utan nyckel skapas ingen ny.
    Ange PERSONNUMMER som - för att skriva in det dolt i stället för på
    kommandoraden (där det annars hamnar i skalets historik). YEAR avgör
    århundradet för tiosiffriga nummer.
    """
    if personnummer == "-":
        personnummer = click.prompt("Personnummer", hide_input=True, err=True)
    result = api.vem(project_dir, year, personnummer)
    click.echo(result.person_id)
    if not result.among_brukare:
        click.echo(f"(personen har ingen kostnad bland brukarna {year})", err=True)


@main.command()
@click.option("--invanare", type=int, required=True, help="Antal invånare att simulera.")
@click.option("--year", "year", type=YEAR, default=2024, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Mapp att skriva projektet till.")
@click.option("--tidigare", "tidigare", type=YEAR, multiple=True,
              help="Skapa också detta tidigare år med samma befolkning (kan upprepas).")
@click.option("--kommuner", "kommuner", type=int, default=None, metavar="N",
              help="Skapa ett nätverk av N kommuner av olika storlek och kostnadsnivå i "
                   "OUT/9001/, OUT/9002/, … (--invanare är då den största kommunen).")
@quiet_option
@reports_errors
def synth(invanare, year, seed, out, tidigare, quiet, kommuner=None):
    """Skapa en syntetisk kommun (ett komplett projekt) för test och benchmark.

    Deterministisk för ett givet --seed. Exempel:
    kpb synth --invanare 50000 --out /tmp/syntkommun && kpb compute 2024 -p /tmp/syntkommun

    Med --tidigare 2022 skapas även 2022 med samma människor (två år yngre; en del är nya,
    en del har slutat) och utfall för arbetsmarknadsinsatser, så att kpb jamfor 2022 2024
    kan köras.

    Med --kommuner 3 skapas tre kommuner för KPB-nätverket (kpb dela, kpb natverk),
    var och en med mappnamnet som kommunkod: kpb dela 2024 -p OUT/9001 --kommunkod 9001.
    """
    if kommuner and tidigare:
        raise click.UsageError("--kommuner och --tidigare går inte att kombinera")
    if kommuner:
        for summary in api.synth_network(out, kommuner, invanare, year, seed, _progress(quiet)):
            click.echo(f"Kommun {summary.root.name}: {summary.invanare} invånare, {summary.root}")
        return
    result = api.synth(out, invanare, year, seed, _progress(quiet), tuple(tidigare))
    click.echo(f"Projekt skrivet till {out}")
    for summary in (result if isinstance(result, list) else [result]):
        click.echo(str(summary))


@main.command()
@click.argument("year", type=YEAR)
@click.option("--datum", "datum", multiple=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Mätdag för punkt.parquet, ÅÅÅÅ-MM-DD (kan upprepas); standard: den 15:e "
                   "varje månad.")
@click.option("--manader", "manader", type=int, default=None,
              help="N: ny = ingen insats de N månaderna före, avslutad = ingen de N månaderna "
                   "efter (standard 3, eller manader i regelfilens [uppfoljning]).")
@project_option
@quiet_option
@reports_errors
def uppfoljning(year, datum, manader, project_dir, quiet):
    """Följ upp ett år månad för månad, t.ex. kpb uppfoljning 2024.

    Läser årets indata som de är inlästa i kpb.duckdb (kör kpb compute eller kpb load
    först) och reglerna, och skriver ut/uppfoljning_YEAR/ (och vyer med samma namn):

    \b
      manad_insats   kostnad, volym, brukare och styckkostnad per insats och månad;
                     månaderna summerar till årets insats.parquet på öret
      manad_omrade   kostnad, brukare, kr per brukare och per invånare per område
      floden_manad   brukare vid månadens början, nya, avslutade och vid slutet, per
                     område, insats och åldersgrupp
      punkt          brukare med öppen insats en mätdag (den 15:e, eller --datum)
      bistand_manad  hushåll och vuxna med ekonomiskt bistånd per månad, sökandens
                     åldersgrupp, andel som inte återvänt inom 12 månader

    En huvudbok som slutar före december ger ett delår: varje tabell får delar = sant
    och månaderna är desamma som helårets. Exempel:

    \b
      kpb uppfoljning 2024 --datum 2024-04-15 --datum 2024-10-15
      kpb sql "select manad, kostnad, volym from manad_insats where insats = 'hvb_barn'"
    """
    days = tuple(d.date() for d in datum)
    result = api.uppfoljning(project_dir, year, _progress(quiet), days, manader)
    _echo_lines(api.render_text(result.sections))
    click.echo(f"Resultat: {result.output_dir}")


@main.command()
@click.argument("fran", type=int)
@click.argument("till", type=int)
@project_option
@quiet_option
@reports_errors
def jamfor(fran, till, project_dir, quiet):
    """Jämför ett KPB-år med ett tidigare, t.ex. kpb jamfor 2022 2024.

    Läser båda årens resultat (kör kpb compute för båda först, med samma nyckel) och
    skriver ut/jamfor_FRAN_TILL/: styckkostnad per insats i löpande och fasta priser
    (prisindex i kpb.toml, [jamfor]), kostnad per brukare och område, brukarflöden per
    insats (nya, kvarstående, avslutade) och byten mellan insatser, t.ex. HVB → familjehem.
    """
    result = api.jamfor(project_dir, fran, till, _progress(quiet))
    _echo_lines(api.render_text(api.comparison_sections(result)))
    click.echo(f"Resultat: {result.output_dir}")


@main.command()
@click.argument("year", type=YEAR)
@project_option
@quiet_option
@click.option("--kommunkod", "kommunkod", metavar="KOD",
              help="Kommunens fyrsiffriga SCB-kod, t.ex. 1489 (annars kommunkod i kpb.toml).")
@click.option("--ut", "ut", type=click.Path(file_okay=False, path_type=Path),
              help="Rotmappen för paketen (standard: ut/dela/ i projektet), t.ex. en "
                   "gemensam mapp för nätverket.")
@reports_errors
def dela(year, project_dir, quiet, kommunkod, ut):
    """Skriv ett delningspaket av årets KPB för KPB-nätverket, t.ex. kpb dela 2024.

    \b
    Paketet läses ur ut/YEAR/ (kör kpb compute YEAR först) och skrivs som Parquet i
      <ut>/kommun=<KOD>/ar=<YEAR>/paket.parquet    kommun, år, kpb-version, reglernas
                                                   SHA-256, schemaversion
                                  /insats.parquet   per insats, område och åldersgrupp:
                                                   kostnad, volym, brukare, kr per enhet,
                                                   kr per invånare, kr per rapportenhet
                                  /omrade.parquet   per område och åldersgrupp: brukare,
                                                   kr per brukare och invånare, de dyraste
                                                   10 %:s andel, Gini, ytterfallens andel

    Bara publicerade uppgifter lämnar kommunen: inga pseudonymer, ingen rad om en
    enskild person, och celler med färre än 3 brukare (eller där en person bär mer än
    halva kostnaden, eller som kan räknas fram ur summan) är tomma och markerade
    skyddad, som i kpb rapport --publicera (gränserna: [publicering] i kpb.toml).
    Formatet står i docs/formats.md, så andra
    verktyg kan skriva samma paket.
    """
    result = api.dela(project_dir, year, kommunkod, ut, _progress(quiet))
    _echo_lines(result.lines())


def _index_values(values) -> dict:
    """--index 2022=100 --index 2024=110.4 -> {2022: '100', 2024: '110.4'}."""
    from fractions import Fraction

    parsed = {}
    for value in values:
        year, _, number = value.partition("=")
        try:
            parsed[int(year)] = Fraction(number.strip().replace(",", "."))
            if parsed[int(year)] <= 0:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            raise click.UsageError(f"--index: fann {value!r}, väntade ÅR=TAL, t.ex. "
                                   "--index 2022=100 --index 2024=110,4") from None
    return parsed


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--ar", "year", type=int, default=None,
              help="Året som jämförs (standard: det senaste året med paket).")
@click.option("--kommun", "kommun", metavar="KOD",
              help="Markera en kommun i arbetsboken och webbsidan, t.ex. --kommun 1489.")
@click.option("--ut", "ut", type=click.Path(file_okay=False, path_type=Path),
              help="Mappen att skriva jämförelsen till (standard: FOLDER/natverk_ÅR/).")
@click.option("--motor", "motor", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True,
              help="duckdb på den här datorn; spark kör samma SQL i Spark (pip install "
                   "'kpb[spark]' och Java 17).")
@click.option("--index", "index", multiple=True, metavar="ÅR=TAL",
              help="Prisindex för förändring i fasta priser, ett år i taget, t.ex. "
                   "--index 2022=100 --index 2024=110,4 (t.ex. SKR:s PKV).")
@quiet_option
@reports_errors
def natverk(folder, year, kommun, ut, motor, index, quiet):
    """Jämför KPB mellan kommuner ur deras delningspaket, t.ex. kpb natverk paket/ --ar 2024.

    \b
    Läser varje paket under FOLDER (mapparna kommun=<KOD>/ar=<ÅR>/ som kpb dela
    skriver) och jämför per insats och område: kr per enhet, kr per invånare, kr per
    brukare, de dyraste 10 %:s andel och Gini, med varje kommuns rang (1 = lägst),
    median och kvartiler, avstånd från medianen och förändring sedan kommunens
    förra paket. Skriver FOLDER/natverk_ÅR/: natverk_jamforelse.parquet,
    natverk_paket.parquet, natverk_ÅR.xlsx och natverk_ÅR.html ("KPB-nätverket ÅR").

    Paket med en annan schemaversion, eller som inte stämmer med sin mapp, nämns och
    blandas inte in. Insatser som kommunerna räknar i olika enheter jämförs var enhet
    för sig.
    """
    result = api.natverk(folder, year, kommun, ut, motor, _index_values(index), _progress(quiet))
    _echo_lines(result.lines())

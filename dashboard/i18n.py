"""Every UI string of the explorer in English and German, and ``t(key, lang)``.

Strings with ``{placeholders}`` are filled with :meth:`str.format`; numbers and dates are
formatted by :mod:`dashboard.formatting` before they are passed in.
"""

from __future__ import annotations

from dashboard.formatting import LANGS

__all__ = ["STRINGS", "t"]

STRINGS: dict[str, dict[str, str]] = {
    # Event types (ACLED's vocabulary) and map layers: used by the figure builders.
    "type.Battles": {"en": "Battles", "de": "Gefechte"},
    "type.Explosions/Remote violence": {
        "en": "Explosions/remote violence",
        "de": "Explosionen/Fernangriffe",
    },
    "type.Violence against civilians": {
        "en": "Violence against civilians",
        "de": "Gewalt gegen Zivilisten",
    },
    "type.Protests": {"en": "Protests", "de": "Proteste"},
    "type.Riots": {"en": "Riots", "de": "Ausschreitungen"},
    "type.Strategic developments": {
        "en": "Strategic developments",
        "de": "Strategische Entwicklungen",
    },
    "type.other": {"en": "Other", "de": "Sonstige"},
    "layer.russian_held": {"en": "Russian-held", "de": "Russisch kontrolliert"},
    "layer.unknown_status": {"en": "Grey zone", "de": "Graue Zone"},
    "layer.ua_held_in_russia": {
        "en": "Ukrainian-held in Russia (Kursk)",
        "de": "Ukrainisch kontrolliert in Russland (Kursk)",
    },
    "layer.gained": {"en": "Gained by Russia in period", "de": "Von Russland gewonnen"},
    "layer.lost": {"en": "Lost by Russia in period", "de": "Von Russland verloren"},
    "events.region_level": {
        "en": "Region-level location (approximate)",
        "de": "Nur Region bekannt (ungefähr)",
    },
    "events.bins": {"en": "Events (grouped)", "de": "Ereignisse (gruppiert)"},
    "alerts.hours": {"en": "Air-raid alert hours", "de": "Luftalarm-Stunden"},
    "hover.date": {"en": "Date", "de": "Datum"},
    "hover.fatalities": {"en": "Fatalities", "de": "Todesopfer"},
    "hover.location": {"en": "Location", "de": "Ort"},
    "hover.precision": {"en": "Precision", "de": "Genauigkeit"},
    "hover.count": {"en": "Events", "de": "Ereignisse"},
    "timeline.events": {"en": "Events", "de": "Ereignisse"},
    "timeline.km2": {"en": "km² gained/lost", "de": "km² gewonnen/verloren"},
    "timeline.net": {"en": "Net km²", "de": "Netto km²"},
    # The timeline's km² row over a stretch without a map of control ({date}: formatted).
    "timeline.no_map_before": {
        "en": "No map of control before {date}",
        "de": "Keine Karte der Kontrolle vor dem {date}",
    },
    "timeline.no_map_after": {
        "en": "No map of control after {date}",
        "de": "Keine Karte der Kontrolle nach dem {date}",
    },
    "timeline.maps": {
        "en": "Maps of {first} and {last} ({source})",
        "de": "Karten vom {first} und {last} ({source})",
    },
    # Page chrome and controls.
    "app.title": {"en": "Frontline", "de": "Frontline"},
    "app.tagline": {
        "en": "What happened where, and how did the front move?",
        "de": "Was geschah wo, und wie hat sich die Front bewegt?",
    },
    "app.skip": {"en": "Skip to map", "de": "Zur Karte springen"},
    "filters.title": {"en": "Filters", "de": "Filter"},
    "filters.from": {"en": "From", "de": "Von"},
    "filters.to": {"en": "To (exclusive)", "de": "Bis (ausschließlich)"},
    "filters.datasets": {"en": "Dataset", "de": "Datensatz"},
    "filters.types": {"en": "Event type", "de": "Ereignistyp"},
    "filters.actors": {"en": "Actor", "de": "Akteur"},
    "filters.regions": {"en": "Region", "de": "Region"},
    "filters.all": {"en": "All", "de": "Alle"},
    "filters.exact_only": {"en": "Exact locations only", "de": "Nur genaue Orte"},
    "filters.hidden": {
        "en": "hides {n} region-level events",
        "de": "blendet {n} Ereignisse mit nur ungefährem Ort aus",
    },
    "filters.would_hide": {
        "en": "would hide {n} region-level events",
        "de": "würde {n} Ereignisse mit nur ungefährem Ort ausblenden",
    },
    "filters.text": {"en": "Search place and notes", "de": "Ort und Notizen durchsuchen"},
    "filters.layers": {"en": "Map layers", "de": "Kartenebenen"},
    "filters.alerts": {"en": "Air-raid alerts", "de": "Luftalarme"},
    "filters.alerts_on": {"en": "Show alert hours", "de": "Alarmstunden zeigen"},
    "filters.by": {"en": "Timeline step", "de": "Zeitachsen-Schritt"},
    "filters.lang": {"en": "Language", "de": "Sprache"},
    "filters.theme": {"en": "Theme", "de": "Farbschema"},
    "filters.basemap": {"en": "Basemap", "de": "Grundkarte"},
    "by.day": {"en": "Day", "de": "Tag"},
    "by.week": {"en": "Week", "de": "Woche"},
    "by.month": {"en": "Month", "de": "Monat"},
    "theme.light": {"en": "Light", "de": "Hell"},
    "theme.dark": {"en": "Dark", "de": "Dunkel"},
    "basemap.offline": {"en": "Offline outlines", "de": "Offline-Umrisse"},
    "layers.events": {"en": "Events", "de": "Ereignisse"},
    "layers.territory": {"en": "Control at end of period", "de": "Kontrolle am Periodenende"},
    "layers.changes": {"en": "Gained/lost in period", "de": "Gewinne/Verluste im Zeitraum"},
    "layers.borders": {"en": "Region borders", "de": "Regionsgrenzen"},
    "layers.settlements": {
        "en": "Settlements that changed hands",
        "de": "Ortschaften, die die Seite wechselten",
    },
    "settlements.title": {
        "en": "Settlements that changed hands",
        "de": "Ortschaften, die die Seite wechselten",
    },
    "settlements.to_ru": {
        "en": "Taken by Russian forces",
        "de": "Von russischen Truppen eingenommen",
    },
    "settlements.to_ua": {
        "en": "Taken by Ukrainian forces",
        "de": "Von ukrainischen Truppen eingenommen",
    },
    "settlements.contested": {
        "en": "Contested (changed sides within days)",
        "de": "Umkämpft (wechselte binnen Tagen die Seite)",
    },
    "settlements.reverted": {"en": "Changed sides and back", "de": "Wechselte hin und zurück"},
    "settlements.first_held": {
        "en": "first held on the map of",
        "de": "erstmals gehalten auf der Karte vom",
    },
    "settlements.via_grey": {
        "en": "passed through the grey zone",
        "de": "lag zuvor in der grauen Zone",
    },
    "settlements.none": {
        "en": "No settlement of the gazetteer changed hands in this period and region.",
        "de": "Kein Ort des Ortsverzeichnisses wechselte in diesem Zeitraum und Gebiet die Seite.",
    },
    "settlements.col.name": {"en": "Place", "de": "Ort"},
    "settlements.col.region": {"en": "Region", "de": "Region"},
    "settlements.col.outcome": {"en": "What happened", "de": "Was geschah"},
    "settlements.col.first": {"en": "First held on the map of", "de": "Erstmals gehalten am"},
    "settlements.more": {
        "en": "and {n} more (all of them on the map and in the downloads)",
        "de": "und {n} weitere (alle auf der Karte und in den Downloads)",
    },
    "measure.source": {
        "en": "Source: {source}; maps of {start} to {end}.",
        "de": "Quelle: {source}; Karten vom {start} bis {end}.",
    },
    "front.title": {"en": "Length of the front", "de": "Länge der Front"},
    "front.ukraine": {"en": "Front in Ukraine", "de": "Front in der Ukraine"},
    "front.kursk": {"en": "Kursk salient", "de": "Kursker Frontbogen"},
    "front.note": {
        "en": "{km} km on the map of {date}: the line between Russian-held and Ukrainian-held "
        "ground inside Ukraine, borders and coasts left out, measured on the WGS84 "
        "ellipsoid. Source: {source}.",
        "de": "{km} km auf der Karte vom {date}: die Linie zwischen russisch und ukrainisch "
        "kontrolliertem Gebiet in der Ukraine, ohne Grenzen und Küsten, gemessen auf dem "
        "WGS84-Ellipsoid. Quelle: {source}.",
    },
    "speed.title": {"en": "How fast the front moves", "de": "Wie schnell sich die Front bewegt"},
    "speed.window": {
        "en": "km² a day, {days}-day average",
        "de": "km² pro Tag, {days}-Tage-Mittel",
    },
    "speed.since": {
        "en": "{month}: {value} net, the largest monthly gain since {since}.",
        "de": "{month}: netto {value}, der größte Monatsgewinn seit {since}.",
    },
    "speed.record": {
        "en": "{month}: {value} net, the largest monthly gain on record (since {first}).",
        "de": "{month}: netto {value}, der größte Monatsgewinn seit Beginn der Daten ({first}).",
    },
    "oblasts.title": {"en": "km² by oblast", "de": "km² nach Oblast"},
    "oblasts.outside": {"en": "Outside every region", "de": "Außerhalb aller Regionen"},
    "oblasts.region": {"en": "Region", "de": "Region"},
    "oblasts.total": {"en": "All regions", "de": "Alle Regionen"},
    "distance.title": {
        "en": "Distance from a place to the front",
        "de": "Entfernung eines Ortes zur Front",
    },
    "distance.place": {"en": "Place", "de": "Ort"},
    "distance.example": {"en": "e.g. Kramatorsk", "de": "z. B. Kramatorsk"},
    "distance.go": {"en": "Show", "de": "Anzeigen"},
    "distance.ask": {
        "en": "Name a place to see its distance to Russian-held ground.",
        "de": "Nennen Sie einen Ort, um seine Entfernung zu russisch kontrolliertem Gebiet "
        "zu sehen.",
    },
    "distance.none": {"en": "No distance for this place", "de": "Keine Entfernung für diesen Ort"},
    "distance.line": {
        "en": "The front is {km} km from {place} (map of {now}), {km_start} km on {start}; "
        "nearest {nearest} km on {nearest_date}. Geodesic distance to Russian-held ground "
        "(WGS84). Source: {source}.",
        "de": "Die Front ist {km} km von {place} entfernt (Karte vom {now}), {km_start} km am "
        "{start}; am nächsten {nearest} km am {nearest_date}. Geodätische Entfernung zu "
        "russisch kontrolliertem Gebiet (WGS84). Quelle: {source}.",
    },
    "figures.took": {
        "en": "Russian forces took {km2} and {n} in this period.",
        "de": "Russische Truppen nahmen in diesem Zeitraum {km2} und {n} ein.",
    },
    "figures.retook": {
        "en": "Ukrainian forces took {n}.",
        "de": "Ukrainische Truppen nahmen {n} ein.",
    },
    "figures.settlement_count": {"en": "{n} settlements", "de": "{n} Ortschaften"},
    "figures.settlement_one": {"en": "1 settlement", "de": "1 Ortschaft"},
    "figures.settlements_source": {
        "en": "To Russia {ru}, to Ukraine {ua}, contested {contested}: GeoNames places (in "
        "Ukraine 1,000+ inhabitants) on the maps of {start} and {end} ({sources})",
        "de": "An Russland {ru}, an die Ukraine {ua}, umkämpft {contested}: GeoNames-Orte (in "
        "der Ukraine ab 1.000 Einwohnern) auf den Karten vom {start} und {end} ({sources})",
    },
    "map.title": {"en": "Map", "de": "Karte"},
    "timeline.title": {"en": "Timeline", "de": "Zeitachse"},
    "timeline.hint": {
        "en": "Drag across the timeline to set the dates.",
        "de": "Auf der Zeitachse einen Bereich ziehen, um die Daten zu setzen.",
    },
    "play.play": {"en": "Play", "de": "Abspielen"},
    "play.pause": {"en": "Pause", "de": "Pause"},
    "play.speed": {"en": "Speed", "de": "Tempo"},
    "play.step": {"en": "Step", "de": "Schritt"},
    "play.slow": {"en": "Slow", "de": "Langsam"},
    "play.normal": {"en": "Normal", "de": "Normal"},
    "play.fast": {"en": "Fast", "de": "Schnell"},
    "play.at": {"en": "Showing up to {date}", "de": "Stand bis {date}"},
    # Figures panel.
    "figures.title": {"en": "Figures", "de": "Zahlen"},
    "figures.events": {"en": "Events", "de": "Ereignisse"},
    "figures.fatalities": {
        "en": "Fatalities (best estimate)",
        "de": "Todesopfer (beste Schätzung)",
    },
    "figures.fatalities_known": {
        "en": "{n} events with a figure",
        "de": "{n} Ereignisse mit Angabe",
    },
    "figures.gained": {"en": "Gained by Russia", "de": "Von Russland gewonnen"},
    "figures.lost": {"en": "Lost by Russia", "de": "Von Russland verloren"},
    "figures.net": {"en": "Net change", "de": "Nettoveränderung"},
    "figures.period": {"en": "Period: {range}", "de": "Zeitraum: {range}"},
    "figures.where": {"en": "Where: {regions}", "de": "Wo: {regions}"},
    "figures.all_regions": {"en": "all regions", "de": "alle Regionen"},
    "figures.events_source": {
        "en": "Source: {datasets}, events dated in the period",
        "de": "Quelle: {datasets}, Ereignisse mit Datum im Zeitraum",
    },
    "figures.territory_source": {
        "en": "Source: DeepStateMap ({sources}); snapshots of {start} and {end}",
        "de": "Quelle: DeepStateMap ({sources}); Karten vom {start} und {end}",
    },
    "figures.no_territory": {
        "en": "No front-line figure: {reason}",
        "de": "Keine Frontlinien-Zahl: {reason}",
    },
    # Claims.
    "claims.title": {"en": "Figure check", "de": "Zahlen-Check"},
    "claims.reported": {"en": "Reported", "de": "Berichtet"},
    "claims.region": {"en": "Data, region", "de": "Daten, Region"},
    "claims.all": {"en": "Data, all of Ukraine", "de": "Daten, ganze Ukraine"},
    "claims.verdict": {"en": "Verdict", "de": "Urteil"},
    "claims.none": {"en": "No claims bundled.", "de": "Keine Angaben hinterlegt."},
    "claims.ukraine": {"en": "all of Ukraine", "de": "ganze Ukraine"},
    "claims.published": {"en": "Published in {source}", "de": "Veröffentlicht in {source}"},
    "claims.in_language": {"en": "(in {language})", "de": "(auf {language})"},
    "language.de": {"en": "German", "de": "Deutsch"},
    "language.en": {"en": "English", "de": "Englisch"},
    "language.uk": {"en": "Ukrainian", "de": "Ukrainisch"},
    "language.ru": {"en": "Russian", "de": "Russisch"},
    "language.fr": {"en": "French", "de": "Französisch"},
    # Event details.
    "details.title": {"en": "Event details", "de": "Ereignisdetails"},
    "details.none": {
        "en": "Click an event on the map to see its details.",
        "de": "Ein Ereignis auf der Karte anklicken, um Details zu sehen.",
    },
    "details.close": {"en": "Close", "de": "Schließen"},
    "details.missing": {
        "en": "Event {id} is not in the data.",
        "de": "Ereignis {id} ist nicht in den Daten.",
    },
    "details.date": {"en": "Date", "de": "Datum"},
    "details.type": {"en": "Type", "de": "Typ"},
    "details.actors": {"en": "Actors", "de": "Akteure"},
    "details.place": {"en": "Place", "de": "Ort"},
    "details.fatalities": {
        "en": "Fatalities (low / best / high)",
        "de": "Todesopfer (min. / beste / max.)",
    },
    "details.notes": {"en": "Notes", "de": "Notizen"},
    "details.source": {"en": "Source", "de": "Quelle"},
    "details.dataset": {"en": "Dataset", "de": "Datensatz"},
    "date_precision.1": {"en": "exact day", "de": "genauer Tag"},
    "date_precision.2": {"en": "within a week", "de": "innerhalb einer Woche"},
    "date_precision.3": {"en": "within the month", "de": "innerhalb des Monats"},
    "date_precision.4": {"en": "within the year", "de": "innerhalb des Jahres"},
    "geo_precision.1": {"en": "exact place", "de": "genauer Ort"},
    "geo_precision.2": {"en": "near a place", "de": "nahe einem Ort"},
    "geo_precision.3": {"en": "region only", "de": "nur Region"},
    # Table.
    "table.title": {"en": "Events in view", "de": "Ereignisse in der Ansicht"},
    "table.count": {"en": "{n} events", "de": "{n} Ereignisse"},
    "col.date": {"en": "Date", "de": "Datum"},
    "col.event_type": {"en": "Type", "de": "Typ"},
    "col.location": {"en": "Place", "de": "Ort"},
    "col.admin1": {"en": "Region", "de": "Region"},
    "col.actor1": {"en": "Actor 1", "de": "Akteur 1"},
    "col.actor2": {"en": "Actor 2", "de": "Akteur 2"},
    "col.fatalities": {"en": "Fatalities", "de": "Todesopfer"},
    "col.geo_precision": {"en": "Precision", "de": "Genauigkeit"},
    "col.dataset": {"en": "Dataset", "de": "Datensatz"},
    "col.event_id": {"en": "ID", "de": "ID"},
    # Upload.
    "upload.title": {"en": "Bring your own events", "de": "Eigene Ereignisse laden"},
    "upload.drop": {
        "en": "Drop a CSV or GeoJSON file here, or click to choose one",
        "de": "CSV- oder GeoJSON-Datei hier ablegen oder zum Auswählen klicken",
    },
    "upload.done": {
        "en": "{file}: {accepted} of {read} rows accepted as dataset “{name}”; "
        "{rejected} rejected.",
        "de": "{file}: {accepted} von {read} Zeilen als Datensatz „{name}“ übernommen; "
        "{rejected} abgelehnt.",
    },
    "upload.failed": {"en": "Could not read {file}: {reason}", "de": "{file} unlesbar: {reason}"},
    "upload.rejects": {"en": "Download rejected rows (CSV)", "de": "Abgelehnte Zeilen (CSV)"},
    "upload.too_big": {
        "en": "The file is larger than {mb} MB.",
        "de": "Die Datei ist größer als {mb} MB.",
    },
    # Alerts and errors.
    "alerts.source": {
        "en": "Air-raid alerts: volunteer series, hours per oblast in the period",
        "de": "Luftalarme: Freiwilligen-Datensatz, Stunden je Oblast im Zeitraum",
    },
    "error.title": {"en": "Something went wrong", "de": "Etwas ist schiefgelaufen"},
    "error.page": {"en": "No such page: {path}", "de": "Diese Seite gibt es nicht: {path}"},
    "error.to_map": {"en": "Go to the map", "de": "Zur Karte"},
    "credit.front": {"en": "Front line: DeepStateMap", "de": "Frontverlauf: DeepStateMap"},
    "credit.boundaries": {"en": "Boundaries: Natural Earth", "de": "Grenzen: Natural Earth"},
    # Datasets as sources.
    "dataset.ucdp": {
        "en": "UCDP GED 25.1 (random sample of 2,000 events)",
        "de": "UCDP GED 25.1 (Zufallsstichprobe von 2.000 Ereignissen)",
    },
    "dataset.story": {
        "en": "events reported in the bundled story's article",
        "de": "im Artikel der Story berichtete Ereignisse",
    },
    "dataset.generated": {
        "en": "GENERATED benchmark events (not real)",
        "de": "ERZEUGTE Benchmark-Ereignisse (nicht echt)",
    },
    "dataset.user": {"en": "your dataset “{name}”", "de": "Ihr Datensatz „{name}“"},
    # Embeds, stories and sharing.
    "poster.open": {"en": "Explore the interactive map", "de": "Interaktive Karte öffnen"},
    "embed.full": {
        "en": "Open the full view in Frontline",
        "de": "Vollansicht in Frontline öffnen",
    },
    "embed.licence": {
        "en": "Data licences: DeepStateMap (no open licence; public archives), UCDP GED CC BY 4.0, "
        "GeoNames CC BY 4.0, Natural Earth public domain. Details: data/SOURCES.md",
        "de": "Datenlizenzen: DeepStateMap (keine offene Lizenz; öffentliche Archive), UCDP GED "
        "CC BY 4.0, GeoNames CC BY 4.0, Natural Earth gemeinfrei. Details: data/SOURCES.md",
    },
    "story.source": {"en": "Source: {source}", "de": "Quelle: {source}"},
    "story.events": {"en": "What the article reports", "de": "Was der Artikel berichtet"},
    "story.note": {
        "en": "Texts are Frontline's own summaries of the article; dates are as exact as the "
        "article allows (marked ≈).",
        "de": "Die Texte sind eigene Zusammenfassungen des Artikels; Daten sind so genau, wie "
        "der Artikel es erlaubt (markiert mit ≈).",
    },
    "share.title": {"en": "Share, embed, download", "de": "Teilen, einbetten, herunterladen"},
    "share.link": {"en": "Link to this view", "de": "Link zu dieser Ansicht"},
    "share.iframe": {"en": "Embed code (iframe)", "de": "Einbettungscode (iframe)"},
    "share.script": {
        "en": "Add the script line so the iframe sizes itself; without it the iframe keeps a "
        "fixed height.",
        "de": "Mit der Skriptzeile passt sich die Höhe des iframes an; ohne sie bleibt die "
        "Höhe fest.",
    },
    "share.downloads": {"en": "Download what is shown", "de": "Angezeigtes herunterladen"},
    "share.events_csv": {"en": "Events (CSV)", "de": "Ereignisse (CSV)"},
    "share.events_geojson": {"en": "Events (GeoJSON)", "de": "Ereignisse (GeoJSON)"},
    "share.changes_csv": {"en": "km² by week (CSV)", "de": "km² je Woche (CSV)"},
    "share.settlements_csv": {
        "en": "Settlements that changed hands (CSV)",
        "de": "Ortschaften, die die Seite wechselten (CSV)",
    },
    "share.settlements_geojson": {
        "en": "Settlements that changed hands (GeoJSON)",
        "de": "Ortschaften, die die Seite wechselten (GeoJSON)",
    },
    "share.changes_geojson": {
        "en": "Gained/lost ground (GeoJSON)",
        "de": "Gewonnenes/verlorenes Gebiet (GeoJSON)",
    },
    "error.param": {"en": "Ignored in the link: {msg}", "de": "Im Link ignoriert: {msg}"},
    "error.input": {"en": "Please check: {msg}", "de": "Bitte prüfen: {msg}"},
    "error.unavailable": {
        "en": "The data is not available right now; please try again in a few seconds.",
        "de": "Die Daten sind gerade nicht erreichbar; bitte in ein paar Sekunden erneut "
        "versuchen.",
    },
    "error.internal": {
        "en": "Something went wrong on our side (request {id}). Please try again; if it "
        "happens again, quote the request number.",
        "de": "Etwas ist schiefgelaufen (Anfrage {id}). Bitte erneut versuchen; wenn es "
        "wieder passiert, bitte die Anfragenummer nennen.",
    },
    # The map-first layout: the key, the filters drawer, touch hints.
    "key.title": {"en": "Key", "de": "Legende"},
    "filters.open": {"en": "Filters", "de": "Filter"},
    "filters.close": {"en": "Close", "de": "Schließen"},
    "map.two_fingers": {
        "en": "Use two fingers to move the map",
        "de": "Mit zwei Fingern die Karte bewegen",
    },
    "side.title": {"en": "Figures and details", "de": "Zahlen und Details"},
    "check.title": {"en": "Check a sentence", "de": "Einen Satz prüfen"},
    "check.hint": {
        "en": "Paste a reported figure (German or English, up to 1,000 characters), e.g. from a "
        "wire report. Frontline reads what it claims into the fields below, which you can "
        "correct, and sets the data's figures beside it.",
        "de": "Fügen Sie eine gemeldete Zahl ein (Deutsch oder Englisch, bis 1.000 Zeichen), "
        "etwa aus einer Agenturmeldung. Frontline liest, was sie behauptet, in die Felder "
        "unten (korrigierbar) und stellt die Zahlen der Daten daneben.",
    },
    "check.sentence": {"en": "Sentence", "de": "Satz"},
    "check.date": {"en": "Published on (YYYY-MM-DD)", "de": "Veröffentlicht am (JJJJ-MM-TT)"},
    "check.read": {"en": "Read the sentence", "de": "Satz lesen"},
    "check.fields": {"en": "What it claims", "de": "Was er behauptet"},
    "check.measure": {"en": "Measure", "de": "Größe"},
    "check.m.area_gained": {"en": "Area gained (km²)", "de": "Gewonnene Fläche (km²)"},
    "check.m.area_lost": {"en": "Area lost (km²)", "de": "Verlorene Fläche (km²)"},
    "check.m.area_net": {"en": "Net change (km²)", "de": "Nettoveränderung (km²)"},
    "check.m.settlements": {"en": "Settlements taken", "de": "Eingenommene Ortschaften"},
    "check.m.distance": {"en": "Distance to a place (km)", "de": "Entfernung zu einem Ort (km)"},
    "check.value": {"en": "Number", "de": "Zahl"},
    "check.measure_pick": {"en": "Choose what is claimed", "de": "Was wird behauptet?"},
    "check.side": {"en": "Whose advance", "de": "Wessen Vormarsch"},
    "check.s.russia": {"en": "Russian forces", "de": "Russische Truppen"},
    "check.s.ukraine": {"en": "Ukrainian forces", "de": "Ukrainische Truppen"},
    "check.region": {"en": "Region", "de": "Region"},
    "check.place": {"en": "Place (for a distance)", "de": "Ort (für eine Entfernung)"},
    "check.from": {"en": "From", "de": "Von"},
    "check.to": {"en": "To (exclusive)", "de": "Bis (ausschließlich)"},
    "check.incomplete": {
        "en": "Read a sentence, or fill in the measure, the number and the period.",
        "de": "Lesen Sie einen Satz ein oder füllen Sie Größe, Zahl und Zeitraum aus.",
    },
    "claims.other_source": {
        "en": "Maps of {source}, same region and dates",
        "de": "Karten von {source}, gleiche Region und Daten",
    },
    "claims.unchecked": {
        "en": "Not checked: {reason}",
        "de": "Nicht geprüft: {reason}",
    },
    "attribution": {
        "en": "Front-line data: DeepStateMap (deepstatemap.live) · Events: UCDP GED 25.1 "
        "(CC BY 4.0) · Boundaries: Natural Earth · Places: GeoNames (CC BY 4.0) · "
        "Air-raid alerts: Vadym Klymenko (MIT)",
        "de": "Frontlinien-Daten: DeepStateMap (deepstatemap.live) · Ereignisse: UCDP GED 25.1 "
        "(CC BY 4.0) · Grenzen: Natural Earth · Orte: GeoNames (CC BY 4.0) · "
        "Luftalarme: Vadym Klymenko (MIT)",
    },
    "asof.text": {
        "en": "Data as of {map} (newest front-line map); events to {event}. Last update: "
        "{updated}.",
        "de": "Datenstand: Frontkarte vom {map}, Ereignisse bis {event}. Letzte "
        "Aktualisierung: {updated}.",
    },
    "asof.never": {
        "en": "none since the bundled data was built",
        "de": "keine seit Erstellung der mitgelieferten Daten",
    },
    "asof.stale": {
        "en": "The newest front-line map is from {map}, {days} days ago: figures for later "
        "dates use that map.",
        "de": "Die neueste Frontkarte ist vom {map}, {days} Tage alt: Zahlen für spätere Tage "
        "beruhen auf dieser Karte.",
    },
    # The static picture (dashboard/picture.py) and its key.
    "layer.unknown_in_russia": {"en": "Grey zone in Russia", "de": "Graue Zone in Russland"},
    "key.front_line": {"en": "Front line", "de": "Frontlinie"},
    "key.selected": {"en": "Selected region", "de": "Ausgewählte Region"},
    "picture.title": {"en": "Front line on {date}", "de": "Frontverlauf am {date}"},
    "picture.title_events": {"en": "Events, {range}", "de": "Ereignisse, {range}"},
    "picture.change": {
        "en": "{range}, {where}: Russia gained {gained}, lost {lost}, net {net}",
        "de": "{range}, {where}: Russland gewann {gained}, verlor {lost}, netto {net}",
    },
    "picture.nothing": {"en": "nothing", "de": "nichts"},
    "picture.grouped": {
        "en": "{n} events: where dots would overlap, one dot stands for all in a square of "
        "{cell}°, in the colour of their most frequent type",
        "de": "{n} Ereignisse: wo sich Punkte überdecken würden, steht ein Punkt für alle in "
        "einem Quadrat von {cell}°, in der Farbe ihres häufigsten Typs",
    },
    "picture.attribution": {
        "en": "Front line: DeepStateMap (deepstatemap.live) · Coasts and borders: Natural "
        "Earth · Places: GeoNames (CC BY 4.0)",
        "de": "Frontlinie: DeepStateMap (deepstatemap.live) · Küsten und Grenzen: Natural "
        "Earth · Orte: GeoNames (CC BY 4.0)",
    },
    "picture.events_credit": {"en": "Events: {datasets}", "de": "Ereignisse: {datasets}"},
    "picture.made_with": {"en": "Map: Frontline", "de": "Karte: Frontline"},
    # Page titles, descriptions and previews (dashboard/meta.py, oEmbed).
    "meta.title": {
        "en": "Frontline – map of the war in Ukraine",
        "de": "Frontline – Karte des Kriegs in der Ukraine",
    },
    "meta.ukraine": {"en": "War in Ukraine", "de": "Krieg in der Ukraine"},
    "meta.events": {"en": "{n} events on the map.", "de": "{n} Ereignisse auf der Karte."},
    "meta.image_alt": {"en": "Map: {title}", "de": "Karte: {title}"},
    # Sub-event types in the event details (key: the stored English name). UCDP's
    # types of violence (geo.ingest.ucdp):
    "subtype.State-based conflict": {"en": "State-based conflict", "de": "Staatlicher Konflikt"},
    "subtype.Non-state conflict": {"en": "Non-state conflict", "de": "Nichtstaatlicher Konflikt"},
    "subtype.One-sided violence": {"en": "One-sided violence", "de": "Einseitige Gewalt"},
    # ACLED's sub-event types:
    "subtype.Armed clash": {"en": "Armed clash", "de": "Bewaffneter Zusammenstoß"},
    "subtype.Government regains territory": {
        "en": "Government regains territory",
        "de": "Regierung gewinnt Gebiet zurück",
    },
    "subtype.Non-state actor overtakes territory": {
        "en": "Non-state actor overtakes territory",
        "de": "Nichtstaatlicher Akteur übernimmt Gebiet",
    },
    "subtype.Chemical weapon": {"en": "Chemical weapon", "de": "Chemiewaffe"},
    "subtype.Air/drone strike": {"en": "Air/drone strike", "de": "Luft-/Drohnenangriff"},
    "subtype.Suicide bomb": {"en": "Suicide bomb", "de": "Selbstmordanschlag"},
    "subtype.Shelling/artillery/missile attack": {
        "en": "Shelling/artillery/missile attack",
        "de": "Beschuss/Artillerie-/Raketenangriff",
    },
    "subtype.Remote explosive/landmine/IED": {
        "en": "Remote explosive/landmine/IED",
        "de": "Ferngezündeter Sprengsatz/Landmine/USBV",
    },
    "subtype.Grenade": {"en": "Grenade", "de": "Granate"},
    "subtype.Sexual violence": {"en": "Sexual violence", "de": "Sexuelle Gewalt"},
    "subtype.Attack": {"en": "Attack", "de": "Angriff"},
    "subtype.Abduction/forced disappearance": {
        "en": "Abduction/forced disappearance",
        "de": "Entführung/Verschwindenlassen",
    },
    "subtype.Peaceful protest": {"en": "Peaceful protest", "de": "Friedlicher Protest"},
    "subtype.Protest with intervention": {
        "en": "Protest with intervention",
        "de": "Protest mit Eingreifen",
    },
    "subtype.Excessive force against protesters": {
        "en": "Excessive force against protesters",
        "de": "Übermäßige Gewalt gegen Protestierende",
    },
    "subtype.Violent demonstration": {
        "en": "Violent demonstration",
        "de": "Gewaltsame Demonstration",
    },
    "subtype.Mob violence": {"en": "Mob violence", "de": "Gewalt einer Menschenmenge"},
    "subtype.Agreement": {"en": "Agreement", "de": "Vereinbarung"},
    "subtype.Arrests": {"en": "Arrests", "de": "Festnahmen"},
    "subtype.Change to group/activity": {
        "en": "Change to group/activity",
        "de": "Veränderung einer Gruppe/Aktivität",
    },
    "subtype.Disrupted weapons use": {
        "en": "Disrupted weapons use",
        "de": "Vereitelter Waffeneinsatz",
    },
    "subtype.Headquarters or base established": {
        "en": "Headquarters or base established",
        "de": "Hauptquartier oder Stützpunkt errichtet",
    },
    "subtype.Looting/property destruction": {
        "en": "Looting/property destruction",
        "de": "Plünderung/Sachbeschädigung",
    },
    "subtype.Non-violent transfer of territory": {
        "en": "Non-violent transfer of territory",
        "de": "Gewaltlose Gebietsübergabe",
    },
    "subtype.Other": {"en": "Other", "de": "Sonstiges"},
    # Playback (assets/playback.js): while the frames load, and why it steps coarser than
    # asked ({n}: the most steps a playback takes; {k}: months a step).
    "play.loading": {"en": "Preparing the frames…", "de": "Bilder werden vorbereitet…"},
    "play.coarse.week": {
        "en": "by week: more than {n} days",
        "de": "wochenweise: mehr als {n} Tage",
    },
    "play.coarse.month": {
        "en": "by month: more than {n} weeks",
        "de": "monatsweise: mehr als {n} Wochen",
    },
    "play.coarse.months": {
        "en": "every {k} months: more than {n} months",
        "de": "alle {k} Monate: mehr als {n} Monate",
    },
}


def t(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang`` (English when the language is unknown), filled with
    ``values``. An unknown key raises ``KeyError``: a missing string is a bug to catch in
    tests, not something to paper over on screen."""
    entry = STRINGS[key]
    text = entry["de" if lang == "de" else "en"] if lang in LANGS else entry["en"]
    return text.format(**values) if values else text

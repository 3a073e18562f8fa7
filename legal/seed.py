"""Initial bodies of the legal pages, created once by ``manage.py load_legal_pages``.

They describe what this software does (read from the code), not facts about an operator:
the operator's details come from the settings and show "nicht hinterlegt" until entered.
Editors can change the bodies afterwards; the command never overwrites them.
"""

from .models import LegalKind

IMPRINT_BODY = """
<p>Angaben nach § 5 Digitale-Dienste-Gesetz (DDG) und § 18 Medienstaatsvertrag (MStV) stehen
oben; der Betreiber pflegt sie in der Verwaltung unter „Einstellungen › Rechtliche Angaben“
und „Einstellungen › Website-Einstellungen“.</p>
<h2>Herkunft der Daten</h2>
<p>Die Gemeindedaten stammen vom Statistischen Bundesamt (Destatis), die Gemeindegrenzen in
Nordrhein-Westfalen von Geobasis NRW. Quellen und Lizenzen stehen auf der Seite
<a href="/daten/">Offene Daten</a>. Jeder Steckbrief nennt die Quellen seiner Angaben.</p>
"""

PRIVACY_BODY = """
<h2>Grundsätze</h2>
<p>Der Kooperationsatlas verarbeitet personenbezogene Daten nur, soweit die Website und ihre
Funktionen das erfordern. Er verwendet keine Analyse- oder Tracking-Werkzeuge, keine Werbung
und keine eingebetteten Inhalte Dritter. Stylesheets, Skripte, Schriften und Bilder liefert
der Server des Betreibers selbst aus; Karten sind Grafiken, die aus den Registerdaten auf dem
Server erzeugt werden. Beim Aufruf der Seiten stellt Ihr Browser deshalb keine Anfragen an
Server Dritter.</p>

<h2>Cookies</h2>
<p>Die Website setzt nur technisch notwendige Cookies (§ 25 Abs. 2 Nr. 2
Telekommunikation-Digitale-Dienste-Datenschutz-Gesetz, TDDDG); eine Einwilligung ist dafür
nicht erforderlich:</p>
<ul>
<li><b>csrftoken</b>: ein Zufallswert, der Formulare vor Missbrauch durch fremde Websites
schützt (Cross-Site-Request-Forgery). Er wird gesetzt, wenn eine Seite ein Formular enthält,
und gilt bis zu einem Jahr.</li>
<li><b>sessionid</b>: eine zufällige Sitzungskennung, nachdem Sie sich angemeldet haben; die
Sitzungsdaten liegen auf dem Server. Sie gilt bis zur Abmeldung, höchstens zwei Wochen.</li>
<li><b>messages</b>: kurze Bestätigungen nach dem Absenden eines Formulars (z. B. „Ihre
Meldung ist eingegangen“); das Cookie wird gelöscht, sobald die Meldung angezeigt wurde.</li>
</ul>

<h2>Kommunale Benutzerkonten</h2>
<p>Die Moderation legt Konten für Mitarbeitende von Kommunen an. Gespeichert werden
Benutzername, Name, E-Mail-Adresse, das Passwort (nur als Prüfwert, nicht im Klartext), die
Gemeinde oder der Kreis, für die oder den das Konto handelt, die Funktion und ob das Konto
bestätigt ist. Zweck: Anmeldung, Handeln für die eigene Kommune und Benachrichtigungen per
E-Mail.</p>

<h2>Kooperationsbörse</h2>
<p>Angebote und Gesuche werden mit der Kommune und dem anlegenden Benutzerkonto gespeichert.
Öffentlich erscheinen sie erst nach der Freigabe durch die Moderation, mit der Kommune, nicht
mit dem Namen der Person. Wer über „Interesse bekunden“ schreibt, dessen Nachricht wird
gespeichert und über die Plattform per E-Mail an das Konto des Eintrags geschickt, mit dem
Namen und der Kommune des Absenders; E-Mail-Adressen werden dabei nicht angezeigt oder
weitergegeben.</p>

<h2>Gespeicherte Suchen und Benachrichtigungen</h2>
<p>Angemeldete Personen können Suchprofile speichern (Aufgabenbereiche, Umkreis um eine
Gemeinde oder Kreise, Suchbegriffe). Passt ein neu veröffentlichter Steckbrief oder
Börsen-Eintrag, erhalten sie eine E-Mail an die Adresse ihres Kontos; gespeichert wird, welche
Benachrichtigung versandt wurde, damit nichts doppelt kommt. Jede E-Mail enthält einen Link
zum Abbestellen; Suchprofile lassen sich jederzeit löschen.</p>

<h2>Meldungen von Kooperationen</h2>
<p>Kommunale Konten können Kooperationen melden. Die Angaben werden als Entwurf gespeichert und
von der Moderation geprüft; der veröffentlichte Steckbrief enthält die Sachangaben, nicht den
Namen der meldenden Person. Ansprechperson und E-Mail-Adresse für Rückfragen sieht nur die
Redaktion; sie werden nicht veröffentlicht. Die meldende Person erhält eine E-Mail, wenn der
Steckbrief veröffentlicht oder zurückgewiesen wird.</p>

<h2>Ansprechpersonen in Steckbriefen</h2>
<p>Namen und Kontaktdaten von Ansprechpersonen einer Kooperation erscheinen auf der Website und
in den offenen Daten nur, wenn die Person der Veröffentlichung zugestimmt hat.</p>

<h2>Rückmeldungen zur Barrierefreiheit</h2>
<p>Über das Formular auf der Seite „Barrierefreiheit“ senden Sie eine Beschreibung der
Barriere, auf Wunsch die betroffene Seite, Ihren Namen und Ihre E-Mail-Adresse (freiwillig;
nötig, wenn Sie eine Antwort wünschen). Die Angaben werden gespeichert und per E-Mail an die
Kontaktadresse des Betreibers weitergeleitet, um die Rückmeldung zu bearbeiten.</p>

<h2>Suche</h2>
<p>Suchanfragen werden verarbeitet, um Ergebnisse anzuzeigen; die Software speichert keinen
Verlauf der Suchanfragen. Sie laufen auf dem Server des Betreibers (oder einem von ihm
betriebenen Suchserver).</p>

<h2>E-Mail-Versand</h2>
<p>E-Mails versendet die Website über den Mailserver, den der Betreiber eingerichtet hat.</p>

<h2>Rechtsgrundlagen</h2>
<p>Ist der Betreiber eine öffentliche Stelle, verarbeitet er die Daten zur Wahrnehmung einer
Aufgabe im öffentlichen Interesse (Art. 6 Abs. 1 UAbs. 1 lit. e DSGVO), die Rückmeldungen zur
Barrierefreiheit auch zur Erfüllung einer rechtlichen Verpflichtung (lit. c); andernfalls auf
Grundlage seines berechtigten Interesses an einer funktionsfähigen, sicheren Plattform für den
Austausch zwischen Kommunen (lit. f). Für Benutzerkonten kommt lit. b in Betracht, soweit ein
Nutzungsverhältnis besteht. Der Betreiber prüft die für ihn geltende Rechtsgrundlage.</p>

<h2>Empfänger und Speicherdauer</h2>
<p>Die Software gibt keine personenbezogenen Daten an Dritte weiter und übermittelt keine Daten
in Drittländer. Zugriff haben die Redaktion und die Moderation des Betreibers sowie gegebenenfalls
Dienstleister, die für ihn Hosting oder E-Mail-Versand übernehmen. Die Software löscht Konten,
Börsen-Einträge, Nachrichten, Meldungen und Rückmeldungen nicht automatisch; der Betreiber legt
Löschfristen fest und löscht Daten, die für den Zweck nicht mehr erforderlich sind.</p>

<h2>Ihre Rechte</h2>
<p>Sie haben gegenüber dem Verantwortlichen das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung
(Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18) und
Datenübertragbarkeit (Art. 20) sowie das Recht, der Verarbeitung zu widersprechen (Art. 21).
Berichtigungen, Löschungen und Einschränkungen teilt der Verantwortliche den Empfängern der
Daten mit (Art. 19).</p>
<p>Sie haben außerdem das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren
(Art. 77 DSGVO). Für Stellen in Nordrhein-Westfalen ist das die Landesbeauftragte für
Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW),
<a href="https://www.ldi.nrw.de">www.ldi.nrw.de</a>.</p>
"""

ACCESSIBILITY_BODY = """
<h2>Nicht barrierefreie Inhalte</h2>
<p>Bekannte Einschränkungen:</p>
<ul>
<li>Karten (Gemeindegrenzen, Ergebnisse der Partnersuche) sind Grafiken. Die Angaben der
Karten stehen auch als Text auf derselben Seite: die Nachbargemeinden als Liste, die
Partnervorschläge als Ergebnisliste.</li>
<li>Dokumente (zum Beispiel PDF-Dateien), die die Redaktion zu Steckbriefen hochlädt, und
die verlinkten Quellen auf anderen Websites sind nicht auf Barrierefreiheit geprüft.</li>
<li>Der Redaktionsbereich (Verwaltungsoberfläche) wurde nicht gesondert geprüft.</li>
</ul>

<h2>Grundlage dieser Erklärung</h2>
<p>Die Bewertung beruht auf einer Selbstbewertung bei der Entwicklung (semantisches HTML,
Bedienung mit der Tastatur, alle Seiten funktionieren ohne JavaScript) und auf automatisierten
Prüfungen mit axe-core in der Testsuite des Projekts. Eine Prüfung durch eine externe Stelle
hat nicht stattgefunden. Automatisierte Prüfungen erkennen nur einen Teil möglicher Barrieren;
deshalb lautet der Stand „teilweise vereinbar“, bis eine vollständige Prüfung vorliegt.</p>
"""

PAGES = [
    ("impressum", "Impressum", LegalKind.IMPRINT, IMPRINT_BODY),
    ("datenschutz", "Datenschutzerklärung", LegalKind.PRIVACY, PRIVACY_BODY),
    (
        "barrierefreiheit",
        "Erklärung zur Barrierefreiheit",
        LegalKind.ACCESSIBILITY,
        ACCESSIBILITY_BODY,
    ),
]


def clean(html):
    return " ".join(html.split())

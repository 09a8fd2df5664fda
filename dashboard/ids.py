"""Component ids of the explorer, in one place so layout, callbacks and tests agree."""

from __future__ import annotations

URL = "url"
#: A URL the browser goes to (a language change re-renders the page in the new language).
NAVIGATE = "navigate"
#: A query string that replaces the current history entry (a pan of the map: no new entry).
URL_REPLACE = "url-replace"
#: Where the map should move (an event picked in the table): {lat, lon, z}.
FOCUS = "map-focus"
STATE = "view-state"
#: Language and theme only: what the panels that ignore the filters listen to.
UI = "ui-state"
DATA_VERSION = "data-version"  # bumped when an upload adds a dataset
#: The page's kind (explorer, story, embed): embeds never show a session's uploads.
PAGE = "page-kind"
ERROR = "error-alert"
ROOT = "root"

DATE_FROM = "date-from"
DATE_TO = "date-to"
DATASETS = "datasets"
TYPES = "types"
ACTORS = "actors"
REGIONS = "regions"
EXACT_ONLY = "exact-only"
PRECISION_NOTE = "precision-note"
TEXT = "text-search"
LAYERS = "layers"
ALERTS = "alerts"
BY = "by"
LANG = "lang"
THEME = "theme"
BASEMAP = "basemap"

MAP = "map"
MAP_LEGEND = "map-legend"
MAP_SCALE = "map-scale"
FILTERS_PANEL = "filters-panel"
FILTERS_TOGGLE = "filters-toggle"
FILTERS_CLOSE = "filters-close"
TIMELINE = "timeline"
FIGURES = "figures"
CLAIMS = "claims"
DETAILS = "details"
DETAILS_CLOSE = "details-close"
TABLE = "events-table"
TABLE_NOTE = "table-note"

UPLOAD = "upload"
UPLOAD_STATUS = "upload-status"
REJECTS_TABLE = "rejects-table"
REJECTS_DOWNLOAD_BUTTON = "rejects-download-button"
REJECTS_DOWNLOAD = "rejects-download"
REJECTS_STORE = "rejects-store"

PLAY = "play"
PLAY_SPEED = "play-speed"
PLAY_STEP = "play-step"
PLAY_INTERVAL = "play-interval"
PLAY_LABEL = "play-label"
VIEWPORT = "viewport"  # map centre and zoom, kept apart so panning does not redraw the data
OPEN_EVENT = "open-event"
MAP_KEY = "map-key"
# Share and embed.
SHARE_LINK = "share-link"
SHARE_IFRAME = "share-iframe"
SHARE_DOWNLOADS = "share-downloads"
# Playback in the browser (assets/playback.js): what it asks the server for, the frames of
# the period it steps through, and its texts in the page's language and the ids it drives.
PLAY_REQUEST = "play-request"
PLAY_FRAMES = "play-frames"
PLAY_CONFIG = "play-config"

#: The sentence check (dashboard/pages/check.py).
CHECK_TEXT = "check-text"
CHECK_DATE = "check-date"
CHECK_READ = "check-read"
CHECK_MEASURE = "check-measure"
CHECK_VALUE = "check-value"
CHECK_SIDE = "check-side"
CHECK_REGION = "check-region"
CHECK_FROM = "check-from"
CHECK_TO = "check-to"
CHECK_PARSED = "check-parsed"
CHECK_NOTES = "check-notes"
CHECK_RESULT = "check-result"
CHECK_PLACE = "check-place"

#: The measures under the map (dashboard/pages/measures.py).
SETTLEMENTS_LIST = "settlements-list"
FRONT_CHART = "front-chart"
FRONT_NOTE = "front-note"
SPEED_CHART = "speed-chart"
SPEED_NOTE = "speed-note"
OBLASTS_CHART = "oblasts-chart"
OBLASTS_TABLE = "oblasts-table"
DISTANCE_PLACE = "distance-place"
DISTANCE_GO = "distance-go"
DISTANCE_CHART = "distance-chart"
DISTANCE_NOTE = "distance-note"
#: What the measures depend on (period, regions, language, theme), set in the browser only
#: when one of those changes: a filter of events does not recompute them.
MEASURES_KEY = "measures-key"

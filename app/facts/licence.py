"""The dataset's licence and attribution, stated once: /v1/meta serves them and every release package carries them."""

LICENCE = {
    "data": "CC BY 4.0 — the structured facts and English texts of Reform Facts",
    "quotes": "Quoted source text remains © its publisher and is quoted for citation",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
LICENCE_SPDX = "CC-BY-4.0"
ATTRIBUTION = "Reform Facts, from 经济日报·中国经济网 (Economic Daily / China Economic Net) reporting"

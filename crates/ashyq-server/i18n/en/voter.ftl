# /voter: a voter's own precinct, and the precinct search.
nav-voter = My precinct
voter-title = My precinct
voter-lead = Find the precinct where you vote. Sign in to see your own entry on the register; anyone can search precincts by address or place.
voter-own-title = Your entry on the register
voter-no-signin = This server offers no sign-in, so it cannot show your own entry. Search for your precinct below.
voter-sign-in-why = Sign in to see your precinct, its address and hours, whether you are on its list, and your absentee certificate. Only you see this; nothing of it is published.
voter-no-iin = Your identity provider did not vouch for your IIN, so your entry on the register cannot be found. Search for your precinct below.
voter-no-register = This server holds no voter register, so your entry cannot be shown. Search for your precinct below.
voter-too-many = You have looked up your entry more than { $n } times in the last hour. Try again later; the search below still works.
voter-unavailable = Your entry cannot be read right now. Try again in a few minutes.
voter-not-found = You are not on the register for this vote. If you think you should be, ask the precinct commission where you live or your local akimat to add you; bring your identity document.
voter-dev-register = Development sign-in: this entry belongs to a made-up person of a synthetic register.
voter-precinct = Precinct
voter-address = Address
voter-district = District
voter-region = Region
voter-hours = Polls open
voter-hours-value = { $day }, { $opens }–{ $closes } local time
voter-on-list = On its list
voter-on-list-yes = Yes: you may vote there.
voter-on-list-no = You are on the register but may not vote:
voter-why-underage = you are under 18 on voting day
voter-why-not-citizen = you are not a citizen of Kazakhstan
voter-why-no-capacity = a court has declared you legally incapable
voter-why-custody = you are held in custody by a court sentence
voter-absentee = Absentee certificate
voter-absentee-issued = Certificate No. { $serial } for { $vote } was issued to you ({ $status }). You vote at the precinct where you present it; your name on this list is marked.
voter-certificate-issued = valid
voter-certificate-lost = declared lost: it cannot be used, and none is issued again
voter-certificate-used = used
voter-absentee-none = None issued to you.
voter-absentee-how-title = Voting away from home: the absentee certificate
voter-absentee-how = If you will not be at home on voting day, apply in writing to the commission of the precinct where you are registered, from 15 days before voting until 18:00 on the day before. Bring your identity document. The certificate has a five-digit number; with it you vote at any precinct outside your own locality. A lost certificate is not replaced.
voter-private = This page is yours alone: it is not kept by any cache, and shows neither your IIN nor your name. Each time it is opened, the look-up is recorded in the register's audit trail under your pseudonym.
voter-search-title = Find a precinct by address or place
voter-search-label = Address, place or precinct number (for example: School No. 12 Almaty)
voter-search-button = Search
voter-search-empty = Type an address, a place or a precinct number.
voter-search-none = No precinct matches every word. Try fewer words, or the name of the district or city.
voter-search-count = { $count ->
    [one] { $n } precinct matches.
   *[other] { $n } precincts match.
}
voter-search-more = The first { $shown } are listed; add a word to narrow the search.
voter-search-caption = Precincts matching “{ $q }”
voter-no-territory = No territory is loaded yet, so there are no precincts to search.

## The public pages of risk-limiting audits (web/audit.rs)

nav-audits = Аудиттер
audit-list-title = Тәуекелі шектелген аудиттер
audit-list-intro = Тәуекелі шектелген аудит хаттамалардың қағаз бюллетеньдерге сай екенін тексереді: аудит топтары көпшілік алдында лақтырылған тұқым бойынша іріктелген учаскелер мен бюллетеньдердің кездейсоқ таңдамасын қолмен санайды, дәлелдер жарияланған нәтижені тәуекел шегінде растағанша, әйтпесе бүкіл байқау қолмен қайта саналады. Кез келген адам таңдаманы қайта іріктеп, тәуекелді журналдан ashyq verify арқылы қайта есептей алады.
audit-list-none = Әзірге аудит жоқ.
audit-list-caption = Барлық аудит және расталған байқаулар саны
audit-list-json = Тізім JSON түрінде
audit-not-found = Мұндай идентификаторы бар аудит жоқ, немесе онда мұндай байқау жоқ.
audit-col-audit = Аудит
audit-col-referendum = Референдум
audit-col-method = Әдіс
audit-col-limit = Тәуекел шегі
audit-col-rounds = Іріктелген раундтар
audit-col-confirmed = Расталған байқаулар
audit-confirmed-of = { $contests } ішінен { $confirmed }
audit-method-batch = Бумаларды салыстыру (MACRO): учаскелер қате шегіне пропорционал ықтималдықпен іріктеледі, қолмен санау хаттамамен салыстырылады
audit-method-polling = Бюллетеньдерді сұрау (BRAVO): бюллетеньдер кездейсоқ іріктеледі, әрқайсысы оқылады
audit-method-alpha = Бюллетеньдерді сұрау (ALPHA): бюллетеньдер қайтарусыз кездейсоқ іріктеледі, әрқайсысы оқылады
audit-method-except = ; мына байқаулар басқа әдіспен:
audit-title = { $id } аудиті
audit-seed = Көпшілік рәсімінің тұқымы
audit-seed-none = әлі жазылмаған
audit-rounds = Раундтар
audit-rounds-text = { $drawn } іріктелді, { $measured } өлшенді
audit-contests = Байқаулар
audit-contests-caption = Аудиттің әр байқауы және оның қорытындысы
audit-contest-national = Бүкіл ел
audit-col-contest = Байқау
audit-col-winner = Жарияланған нәтиже
audit-col-draws = Іріктелгені
audit-col-discrepancies = Алшақтығы бар учаскелер
audit-col-risk = Тәуекел
audit-col-conclusion = Қорытынды
audit-answer-yes = «Иә» жеңеді
audit-answer-no = «Жоқ» жеңеді
audit-answer-tie = Теңдік (толық қайта санау)
audit-conclusion-not-drawn = Әлі іріктелмеген
audit-conclusion-open = { $round }-раунд енгізуге ашық
audit-conclusion-confirmed = Тәуекел ≤ { $limit } деңгейінде расталды (тәуекел { $risk })
audit-conclusion-more = { $count ->
   *[other] Кеңейту: тағы { $n } іріктеу (тәуекел { $risk }, { $limit } шегінен жоғары)
}
audit-conclusion-escalate = Байқау аумағын толық қолмен қайта санау (тәуекел { $risk })
audit-decision-confirmed = тәуекел ≤ { $limit } деңгейінде расталды
audit-decision-more = тағы { $n } іріктеу
audit-decision-escalate = толық қолмен қайта санау
audit-files = Есеп
audit-report-json = Есеп JSON түрінде
audit-report-csv = Есеп CSV түрінде (әр іріктеуге бір жол)
audit-verify-hint = Таңдама, алшақтықтар мен тәуекел журнал мен тұқымнан қайта шығарылады:
audit-contest-title = { $contest }: { $id } аудиті
audit-reported = Хаттамалар не дейді
audit-reported-text = { $winner }: { $count }.
audit-count = иә { $yes } · жоқ { $no } · екеуі белгіленген { $both } · жарамсыз { $invalid }
audit-risk-rounds = Әр раундтан кейінгі тәуекел
audit-risk-none = Бұл байқаудың бірде-бір раунды әлі өлшенбеген.
audit-risk-caption = Әр раундтан кейін өлшенген тәуекел: қате нәтиженің осы жерге дейін өтіп кетуінің ең үлкен ықтималдығы
audit-risk-rounding = Тәуекел дәл есептеледі және жоғары қарай дөңгелектеніп жарияланады, ешқашан төмен емес.
audit-col-round = Раунд
audit-col-draws-so-far = Барлығы іріктелді
audit-col-decision = Шешім
audit-discrepancies = Хаттамалармен алшақтықтар
audit-discrepancies-polling = Бюллетеньдерді сұрауда жеке бюллетеньдер оқылады; учаскенің санағы хаттамамен салыстырылмайды.
audit-discrepancies-none = Келісілген бірде-бір қолмен санау хаттамадан өзгеше емес.
audit-precinct = № { $n } учаске
audit-line-yes = Иә
audit-line-no = Жоқ
audit-line-both = Екеуі белгіленген
audit-line-invalid = Жарамсыз
audit-discrepancy-line = { $line }: хаттама { $protocol }, қағаз { $paper } ({ $diff })
audit-sample = Таңдама
audit-sample-none = Бұл байқау үшін әлі ештеңе іріктелмеген.
audit-round-drawn = { $count ->
   *[other] { $round }-раунд: { $n } іріктеу
}
audit-sample-caption = { $round }-раундтың іріктеулері билет ретімен, топ мүшелерінің әрқайсысының енгізуімен
audit-col-item = Учаске немесе бюллетень
audit-col-ticket = Билет
audit-col-generation = Іріктелу реті
audit-col-entries = Топ мүшелерінің енгізуі
audit-col-agreed = Келісілді
audit-no-entry = әлі енгізілмеген
audit-differs = хаттамадан өзгеше
audit-disputed = мүшелер келіспейді
audit-waiting = екі сәйкес енгізуді күтуде
audit-reading-yes = иә
audit-reading-no = жоқ
audit-reading-both = екеуі белгіленген
audit-reading-invalid = жарамсыз
audit-reading-not-found = табылмады

## The audit boards' pages of the portal (web/portal/audit.rs)

portal-audit-link = Аудиттер: іріктелген учаскелер мен бюллетеньдердің қолмен санағын енгізу
portal-audit-title = Аудит енгізулері
portal-audit-intro = Әр аудиттің ашық раундында сіздің аумағыңызда іріктелген учаскелер мен бюллетеньдер көрсетілген. Қағазды қолмен санап, нәтижесін енгізіңіз; топтың екінші мүшесі де сіздікін көрмей енгізеді. Екі мүше бірдей енгізсе, позиция келісілген болады; айырмашылық болса, екеуі де екі енгізуді көріп, қайта санайды.
portal-audit-waiting = { $round }-раунд: аумағыңыздағы { $total } позицияның { $waiting } екі сәйкес енгізуді күтуде
portal-audit-no-round = Енгізуге ашық раунд жоқ.
portal-audit-public = Аудиттің жария есебі
portal-audit-round-open = { $round }-раунд енгізуге ашық.
portal-audit-read-only = Санақты тек аудит топтары мен ОСК операторлары енгізеді; бұл тіркелгі тек оқиды.
portal-audit-nothing = Бұл аудиттің бірде-бір позициясы сіздің аумағыңызда жоқ.
portal-audit-ballot = № { $n } учаскенің { $k }-бюллетені
portal-audit-found = жәшіктерден табылған бюллетеньдер: { $n } (манифест)
portal-audit-yours = сіз: { $entry }
portal-audit-other-entered = { $member } енгізді (сіз енгізгенше жасырын)
portal-audit-agreed = Келісілді: { $entry }.
portal-audit-disputed = Мүшелердің енгізулері әртүрлі. Қағазды қайта санап, нәтижесін енгізіңіз.
portal-audit-count-legend = Қолмен санау: { $item }
portal-audit-reading-legend = Бюллетень { $item }
portal-audit-record = Енгізуді жазу
portal-audit-refused = { $item } үшін ештеңе жазылмады.
portal-audit-not-numbers = Мына өрістерге бүтін сандар енгізіңіз: { $fields }.
portal-audit-no-reading = Бюллетеньдің қалай белгіленгенін таңдаңыз.
portal-audit-bad-item = Позиция учаске нөмірі де, бюллетень де емес.
portal-audit-entered = { $item } үшін енгізуіңіз жазылды (журнал жазбасы { $seq }); ол екінші мүшені күтуде.
portal-audit-entered-agreed = { $item } үшін енгізуіңіз жазылды (журнал жазбасы { $seq }); екі мүше келісті.
portal-audit-entered-disputed = { $item } үшін енгізуіңіз жазылды (журнал жазбасы { $seq }), бірақ басқа мүшенің енгізуінен өзгеше: қайта санаңыз.
portal-audit-measured = Раундтың барлық позициялары келісілді: раунд өлшенді (журнал жазбасы { $seq }).

## The full hand count of an escalated contest (web/audit.rs)

audit-hand-count = Толық қолмен қайта санау
audit-hand-count-progress = Байқаудың { $precincts } учаскесінің { $counted } толық қолмен қайта саналды; олардың { $amended } хаттамадан өзгеше және оны нәтиженің өзгерісі ретінде алмастырады, нәтиже енді қағазға сай.
audit-hand-count-caption = Қолмен санау бекітілген хаттаманы алмастырған учаскелер
audit-col-certified = Бекітілген хаттама
audit-col-hand-count = Қолмен санау
audit-col-reason = Негіздеме және автор

# The status of a certified result a full hand count after an audit amended.
status-certified-amended = Нәтиже бекітілді, аудит бойынша түзетілді

# The referendum's pages: its audits, each with its conclusion for the page's contest.
audit-referendum-audits = Тәуекелі шектелген аудиттер
audit-referendum-audit = { $id } аудиті

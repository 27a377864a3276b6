# Страницы сайта на русском языке. Каждое сообщение есть в kk, ru и en (это проверяет тест).

brand-tagline = открытые итоги
skip-to-content = Перейти к содержанию
nav-main = Основное меню
nav-language = Язык
nav-breadcrumbs = Вы здесь
nav-results = Итоги
nav-downloads = Скачать данные
nav-verify = Проверьте сами
footer-about = Каждое число на этих страницах выводится из открытого журнала событий, связанного цепочкой хешей.
footer-verify = Проверьте сами.
footer-api = JSON API
footer-log = Журнал событий
live-updated = Обновлено автоматически: 

not-found-title = Страница не найдена
not-found-body = По этому адресу ничего нет.
not-found-home = Перейти к общенациональным итогам.
not-found-referendum = Референдума с таким идентификатором нет.
not-found-region = В этом референдуме нет региона с таким кодом.
not-found-district = В этом референдуме нет района с таким идентификатором.
not-found-precinct = Участка с таким номером нет.
not-found-election = Выборов с таким идентификатором нет.

home-empty-title = Итогов пока нет
home-empty-body = На этом сервере ещё не назначен ни референдум, ни выборы.

voting-day = День голосования: { $date }
question = Вопрос в бюллетене
status-preliminary = Предварительные итоги
status-final = Окончательный подсчёт
status-certified = Итоги утверждены
reported = Поступили протоколы { $reported } из { $total } участков ({ $share })
precincts-count = { $count ->
    [one] { $n } участок
    [few] { $n } участка
   *[many] { $n } участков
}
open-conflicts = { $count ->
    [one] { $n } расхождение ждёт рассмотрения
    [few] { $n } расхождения ждут рассмотрения
   *[many] { $n } расхождений ждут рассмотрения
}
yes = Да
no = Нет
turnout = Явка
turnout-of = { $took } из { $eligible } избирателей
outcome = Итог
validity = Действительность
adoption = Принятие
valid = Состоялся
not-valid = Не состоялся
adopted = Принято
not-adopted = Не принято
validity-yes = явка { $turnout } превышает необходимые { $min } избирателей.
validity-no = явка { $turnout } не превышает необходимых { $min } избирателей.
adoption-yes = «да» ответили { $yes } участников — больше необходимых { $min }.
adoption-no = «да» ответили { $yes } участников, а нужно больше { $min }.
adoption-regional-yes = более { $min } ответили «да» в { $in } из { $total } регионов и городов (нужно не менее { $units } из них).
adoption-regional-no = более { $min } ответили «да» лишь в { $in } из { $total } регионов и городов (нужно не менее { $units } из них).
adoption-not-valid = несостоявшийся референдум ничего не принимает.
outcome-provisional = По данным, поступившим на этот момент; итог определяется только окончательным подсчётом.

other-contests = Другие референдумы и выборы
cartogram-title = Регионы на одной схеме
cartogram-colour-by = Цвет по:
by-yes = доле «да»
by-turnout = явке
cartogram-label-yes = Плиточная схема регионов, городов и зарубежных участков, цвет — доля голосов «да»
cartogram-label-turnout = Плиточная схема регионов, городов и зарубежных участков, цвет — явка
cartogram-legend = Цветовая шкала
cartogram-no-data = протоколов нет
cartogram-hint = Каждый квадрат — регион, город или зарубежные участки, примерно на своём месте на карте; выберите его, чтобы увидеть районы.

regions-title = По регионам
regions-caption = Итоги по областям, городам республиканского значения и зарубежным участкам
districts-title = По районам
districts-caption = Итоги по районам: { $region }
precincts-title = Участки
precincts-caption = Участки: { $district }
unit-region = Регион
unit-district = Район
col-reported = Участков с протоколом
col-turnout = Явка
col-yes = Да
col-no = Нет
col-yes-share = Да, %
col-precinct = Участок
col-status = Состояние
col-registered = Избирателей в списке
col-line = Строка
col-value = Число
col-seq = Запись журнала
col-time = Время
col-event = Событие
col-yes-no = Да / Нет
col-reason = Основание и автор
col-party = Партия
col-votes = Голоса
col-share = Доля
col-seats = Мандаты
col-seats-actual = Распределено фактически
col-seats-whatif = Мандаты по этим правилам
col-qualified = Прошла барьер
col-name = Имя
col-position = Номер в списке

precinct-reported = протокол поступил
precinct-reported-conflict = протокол поступил, есть расхождение
precinct-conflict = расхождение ждёт рассмотрения
precinct-missing = протокола ещё нет
precinct-title = Участок № { $n }
registered-voters = Избирателей в списке: { $n }
precinct-not-reported = Протокол этого участка ещё не поступил.
precinct-json = Этот участок в формате JSON
protocol-title = Протокол
protocol-caption = Все строки протокола участковой комиссии
lines-title = Все строки протоколов, в сумме
lines-caption = Строки протоколов, сложенные по участкам, приславшим протокол
warnings-title = Предупреждения для проверки
receipt-title = Квитанция
receipt-status = Состояние
receipt-seq = Запись журнала
receipt-entry-hash = Хеш записи
receipt-protocol-hash = Хеш протокола
receipt-accepted = принят
receipt-amended = исправлен
receipt-conflict = расхождение
signature = Подпись комиссии
history-title = История
history-caption = Все записи журнала об этом участке, от ранних к поздним
history-empty = Протокол по этому участку не подавался.
history-protocol-accepted = Протокол принят
history-protocol-conflict = Получен другой протокол (расхождение)
history-protocol-amended = Протокол исправлен
history-conflict-dismissed = Расхождение отклонено

line-voters-on-list = Число избирателей, включённых в список
line-voters-added-on-day = Включено в список в день голосования
line-voters-added-absentee = Включено по открепительным удостоверениям
line-absentee-certificates-issued = Выдано открепительных удостоверений
line-ballots-received = Получено бюллетеней комиссией
line-ballots-issued = Выдано бюллетеней избирателям
line-ballots-cancelled = Погашено неиспользованных бюллетеней
line-ballots-found = Обнаружено бюллетеней в ящиках
line-yes = Голосов «да»
line-no = Голосов «нет»
line-both-marked = Бюллетеней с отметками в обоих квадратах (действительны, не учитываются)
line-invalid = Недействительных бюллетеней

downloads-title = Скачать данные
downloads-intro = Всё, что показано на этих страницах, в машиночитаемом виде: сначала подписанные наборы данных — каждый зафиксирован на одной вершине журнала и подписан ключом журнала, затем живой API, который отвечает на последней вершине.
downloads-link = Скачать эти итоги (CSV, JSON, журнал)
downloads-log = Журнал событий
downloads-log-desc = все события на этот момент, по одному объекту JSON в строке ({ $n } записей): вход для ashyq verify
downloads-log-snapshot = журнал до этой вершины, один объект JSON в строке ({ $n } записей): вход ashyq verify
downloads-openapi = описание JSON API (OpenAPI 3.1)
downloads-results-json = общенациональный итог со всеми регионами (JSON)
downloads-tree-json = все уровни: страна, регионы, районы (JSON)
downloads-csv-national = общенациональный итог (CSV)
downloads-csv-region = по строке на регион (CSV)
downloads-csv-district = по строке на район (CSV)
downloads-election-json = голоса за партии по стране и по регионам (JSON)
downloads-seats-json = мандаты, жеребьёвки и депутаты (JSON)
downloads-nist-json = итоги по участкам в формате NIST SP 1500-100 v2 Common Data Format (JSON)
downloads-nist-xml = тот же отчёт в XML-форме CDF
downloads-signed = Подписанные наборы данных
downloads-signed-body = Тот же набор на вершине журнала записывает ashyq downloads --out DIR из копии базы данных.
downloads-signed-at = Эти файлы отражают запись { $seq } журнала (вершина { $head }). Каждый подписан ключом журнала { $key }.
downloads-col-file = Файл
downloads-col-what = Содержание
downloads-col-size = Размер
downloads-col-sha = SHA-256
downloads-col-sig = Подпись
downloads-bytes = { $n } байт
downloads-sig-link = подпись
downloads-check = Проверить файл без сети
downloads-check-body = Сохраните файл, его подпись и открытый ключ журнала и запустите ashyq verify-download; сеть не нужна. Сравните идентификатор ключа с опубликованным комиссией.
downloads-catalogue = Каталог этих файлов для порталов данных (DCAT, JSON-LD)
downloads-key = Открытый ключ журнала
downloads-listing = Тот же список в JSON
downloads-none = Пока ничего не опубликовано: журнал пуст.
downloads-live = Живой API
downloads-live-body = Эти адреса, как и страницы, отвечают на последней вершине журнала; они не подписаны, но каждый называет свою вершину в ETag.
downloads-popolo = депутаты, фракции, комитеты и голосования (Popolo JSON)
downloads-votes-csv = каждый поимённый голос каждого депутата (CSV)
downloads-president-json = голоса каждого кандидата и итог тура (JSON)
downloads-kurultai = Курултай

verify-title = Проверьте сами
verify-intro = Этому серверу не обязательно доверять. Каждое число на этих страницах выводится из журнала событий, а программа ashyq заново получает их все на вашем компьютере, без сети, из одного этого файла.
verify-step1 = 1. Скачайте журнал
verify-step1-body = Сохраните весь журнал событий, по одной записи в строке:
verify-step1-alt = Комиссия с доступом к базе данных может выгрузить его так:
verify-step2 = 2. Установите ashyq
verify-step2-body = Соберите программу проверки из открытого исходного кода (Rust):
verify-step3 = 3. Проверьте
verify-step3-body = Программа проверяет цепочку хешей запись за записью, заново проверяет контрольные соотношения каждого протокола, заново применяет каждое исправление и решение по расхождению по тем же правилам, что и сервер, и заново считает все итоги и результат. Ей не нужны ни база данных, ни сеть. Если что-то не сходится, она называет первую неверную запись и завершается с кодом 1.
verify-step4 = 4. Сравните с опубликованным
verify-step4-body = Проверьте опубликованный комиссией файл итогов по журналу и то, что журнал доходит до опубликованной вместе с ним последней записи (укороченный журнал сам по себе проходит проверку, а последняя запись это выявит). Последняя запись этого сервера:
verify-head-seq = Последняя запись
verify-head-hash = Её хеш
verify-step5 = 5. Сравните со своими записями
verify-step5-body = Наблюдатели, сфотографировавшие протокол участка, могут сверить его построчно со страницей участка и с его записью в журнале; квитанция комиссии называет запись журнала и хеш её протокола.

election-rules = { $seats } мандатов, барьер { $threshold }, метод: { $method }
election-votes = Голоса
election-votes-caption = Голоса за партийные списки
election-seats = Мандаты
election-deputies = Депутаты
election-deputies-caption = Депутаты, имеющие мандат сейчас
election-not-allocated = Мандаты распределяются по окончательному подсчёту.
election-no-votes = Голоса ещё не подсчитаны.
against-all = Против всех
invalid-ballots = Недействительные бюллетени
seats-total = { $n } мандатов
whatif-link = А если бы: те же голоса по другим правилам
whatif-title = А если бы?
whatif-intro = Распределите те же голоса по стране другим методом или с другим барьером. Это ничего не меняет: страница лишь показывает, что дали бы эти правила.
whatif-method = Метод
whatif-threshold = Барьер, %
whatif-threshold-hint = например, 5 или 7,5
whatif-submit = Распределить
whatif-caption = Мандаты по методу «{ $method }» при барьере { $threshold }
whatif-bad-method = Неизвестный метод; использован метод этих выборов.
whatif-bad-threshold = Барьер — это процент от 0 до 100, например 5 или 7,5; использован барьер этих выборов.
whatif-cannot = По этим правилам мандаты распределить нельзя:
method-hare = наибольший остаток, квота Хэра
method-droop = наибольший остаток, квота Друпа
method-dhondt = Д’Ондт
method-sainte-lague = Сент-Лагю
method-modified-sainte-lague = модифицированный Сент-Лагю
method-adams = Адамс
method-huntington-hill = Хантингтон — Хилл
method-imperiali = Империали

## Общественное обсуждение (web/consult.rs, web/consult_forms.rs, signin.rs, dev_idp.rs)

nav-consultation = Обсуждение
consult-title = Общественное обсуждение проекта
consult-intro = Читайте проект статья за статьёй вместе с историей изменений, смотрите, что предложили граждане и что решила Конституционная комиссия по каждому предложению, и отправляйте свои предложения.
consult-none = На этом сервере нет общественного обсуждения.
consult-back = Вернуться к обсуждению
consult-act = Текст
consult-fig-proposals = Опубликованные предложения
consult-fig-supports = Поддержки
consult-fig-meetings = Заседания комиссии
consult-fig-decisions = Решения
consult-versions = Редакции текста
consult-no-versions = Ни одна редакция текста ещё не загружена.
consult-open-draft = открыта для предложений
consult-changes = Что изменилось между редакциями
consult-stats = Изменено { $changed } из { $total } { $count ->
    [one] статьи
   *[other] статей
} (в { $text } изменён текст); добавлено { $added }, исключено { $removed }; теперь статей: { $now }.
consult-proposals = Предложения
consult-all-proposals = Все предложения
consult-propose = Предложить изменение
consult-commission = Конституционная комиссия
consult-commission-summary = Членов комиссии: { $members }; заседание правомочно, если присутствуют { $quorum }.
consult-no-commission = Комиссия ещё не сформирована.
consult-commission-page = Члены, порядок голосования и заседания
consult-no-meetings = Заседаний ещё не было.
consult-meeting-n = Заседание { $n }
consult-meeting-item = заседание { $meeting }, вопрос { $item }
consult-meetings = Заседания
consult-rules = Кворум: { $qn }/{ $qd } членов комиссии. Решение принято, если за него проголосовали { $cmp } { $mn }/{ $md } { $base }.
rule-more-than = более
rule-at-least = не менее
base-present = присутствующих
base-voting = голосовавших «за» или «против»
base-membership = членов комиссии
consult-members = Все члены комиссии ({ $n })
consult-members-caption = Члены комиссии
col-region = Регион
col-group = Группа
col-vote = Голос
col-change = Изменение
col-similarity = Сходство
consult-search-label = Слова для поиска
consult-status-filter = Статус
consult-status-any = опубликованные (любой итог)
consult-search = Найти
consult-version = Редакция
consult-no-version = Такой редакции текста нет.
consult-no-article = В этой редакции нет такой статьи.
consult-n-proposals = { $count ->
    [one] { $n } предложение
    [few] { $n } предложения
   *[many] { $n } предложений
}
consult-other-languages = Текст на других языках
consult-history = История по редакциям
consult-history-one = Загружена только одна редакция текста.
consult-history-absent = нет в этой редакции
consult-text-same = Текст не изменился.
consult-no-proposals-here = Опубликованных предложений к этой статье пока нет.
consult-propose-here = Предложить изменение этой статьи
consult-not-in-draft = Этой статьи нет в редакции, открытой для предложений.
consult-decisions = Решения комиссии
consult-no-decisions-here = Комиссия не принимала решений по этой статье.
consult-decision-n = Решение { $n }
consult-accepted = Принято
consult-declined = Отклонено
consult-amend-replace = новая редакция: { $unit }:
consult-amend-insert = новая статья { $num } после: { $after }:
consult-reason = Причина
consult-settles = Предложения, по которым принято решение:
consult-compare-title = Изменения: { $from } → { $to }
consult-compare-how = Статьи сопоставляются по словам, а не по номерам, поэтому перенумерованные, перенесённые, разделённые и объединённые статьи распознаются. Удалённые слова зачёркнуты, добавленные подчёркнуты.
consult-compare-caption = Все статьи обеих редакций
change-unchanged = без изменений
change-modified = изменён текст
change-renumbered = изменён номер
change-moved = перенесена
change-split = разделена
change-merged = объединены
change-added = добавлена
change-removed = исключена
diff-deleted = удалено:
diff-inserted = добавлено:
consult-found = { $count ->
    [one] Найдено { $n } предложение
    [few] Найдено { $n } предложения
   *[many] Найдено { $n } предложений
}
consult-nothing-found = Ничего не найдено.
consult-pages = Страницы
consult-prev = Предыдущая страница
consult-next = Следующая страница
consult-page-of = страница { $page } из { $pages }
consult-no-proposal = Предложения с таким номером нет.
consult-proposal-title = Предложение { $id }
consult-submitted-notice = Спасибо: ваше предложение записано и ожидает модерации. На этой странице виден его статус.
consult-supported-notice = Ваша поддержка учтена.
consult-target = К чему
consult-language = Язык
consult-supports-label = Поддержки
consult-supports = { $count ->
    [one] { $n } поддержка
    [few] { $n } поддержки
   *[many] { $n } поддержек
}
consult-author = Автор
consult-you = вы
consult-text-private = До публикации этот текст видите только вы и модераторы.
consult-proposed-text = Предлагаемый текст
consult-rationale = Обоснование
consult-text-withheld = Текст не показывается: предложение не опубликовано.
consult-timeline = История статуса
consult-log-entry = запись журнала { $seq }
consult-cluster = Похожие предложения
consult-cluster-about = { $count ->
    [one] { $n } предложение почти совпадает
    [few] { $n } предложения почти совпадают
   *[many] { $n } предложений почти совпадают
} и рассматриваются вместе; их представляет { $rep }.
consult-cluster-size = { $count ->
    [one] { $n } предложение
    [few] { $n } предложения
   *[many] { $n } предложений
}
consult-representative = представляет группу
consult-new-article = Новая статья
consult-new-article-after = Новая статья после:
status-p-submitted = Ожидает модерации
status-p-published = Опубликовано
status-p-on-agenda = В повестке комиссии
status-p-accepted = Принято
status-p-declined = Отклонено комиссией
status-p-rejected = Не опубликовано
status-p-withdrawn = Отозвано
timeline-accepted = Принято решением { $decision }
timeline-declined = Отклонено решением { $decision }:
reason-off-topic = не относится к проекту
reason-abusive = оскорбительные выражения
reason-personal-data = содержит чужие персональные данные
reason-spam = реклама или спам
reason-duplicate = повтор предложения { $of } того же автора
reason-duplicate-choice = повтор прежнего предложения автора (укажите его номер)
reason-other = другая причина (укажите какая)
unit-preamble = Преамбула
unit-section = Раздел { $num }
unit-chapter = Глава { $num }
unit-article = Статья { $num }
unit-paragraph = Пункт { $num }
unit-subparagraph = Подпункт { $num }
consult-broadcast = Трансляция
consult-attendance = Присутствие
consult-present = присутствуют { $present } из { $members } членов
consult-quorum = кворум { $quorum }:
consult-quorate = есть
consult-not-quorate = нет
consult-absent = Отсутствуют
consult-agenda = Повестка
consult-no-agenda = Повестка пуста.
consult-item-n = Вопрос { $n }.
consult-motion-n = Голосование { $n }
consult-motion-accept = Принять с поправкой:
consult-motion-reject = Отклонить по причине:
consult-tally = За { $yes }, против { $no }, воздержались { $abstain }, не голосовали { $nv }; требовалось голосов «за»: { $needed }.
consult-carried = Принято: решение { $n }.
consult-not-carried = Не принято.
consult-not-carried-quorum = Не принято: не было кворума.
consult-recorded-votes = Как голосовал каждый член комиссии
consult-votes-caption = Поимённое голосование { $n }
vote-for = за
vote-against = против
vote-abstain = воздержался
vote-none = не голосовал
consult-minutes = Протокол
consult-minutes-about = Эта страница и есть протокол заседания, составленный по журналу обсуждения: присутствие, каждое голосование, каждый поимённый голос, каждое решение. Тот же протокол текстовым файлом:
consult-minutes-download = протокол (Markdown, на английском)
consult-signed-in-as = Вы вошли как { $who }
consult-test-identity = тестовая личность
consult-moderation = Модерация
consult-sign-out = Выйти
consult-sign-in = Войти
consult-sign-in-why = Войдите, чтобы предложить изменение или поддержать предложение.
consult-dev-mode = Режим разработки: вход выполняется через встроенный тестовый провайдер с вымышленными людьми, а не через настоящий провайдер идентификации.
consult-signin-needed = Сначала войдите
consult-signin-expired = Ваш сеанс завершён. Войдите снова и отправьте форму ещё раз.
consult-signin-why-propose = Чтобы отправить или поддержать предложение, войдите через провайдер идентификации. Ваши данные не хранятся и не показываются: обсуждение хранит только производный от них псевдоним, чтобы каждый мог поддержать предложение не более одного раза.
consult-form-refused = Форма не принята
consult-form-csrf = Форма отправлена не со страницы этого сайта (её защитный код отсутствует или устарел). Обновите страницу и отправьте форму снова.
consult-form-cross-site = Форма отправлена с другого сайта. Откройте страницу этого сайта и отправьте форму оттуда.
consult-own-proposal = Это ваше предложение; его отправка считается вашей поддержкой.
consult-you-support = Вы поддерживаете это предложение.
consult-support = Поддержать предложение
consult-sign-in-to-support = Войдите, чтобы поддержать предложение
consult-withdraw = Отозвать моё предложение
consult-publish = Опубликовать
consult-reject = Не публиковать
consult-reject-reason = Причина отказа в публикации
consult-reject-detail = Подробности
consult-reject-detail-hint = Для повтора — номер прежнего предложения; для другой причины — причина словами.
consult-propose-intro = Ваше предложение относится к редакции { $version } проекта. Пишите на одном из трёх языков.
consult-change-article = Изменить статью
consult-text-hint = От 10 до 10 000 знаков.
consult-rationale-hint = Необязательно: зачем нужно изменение. До 10 000 знаков.
consult-propose-moderation = Модератор проверяет каждое предложение до публикации (по теме проекта, без оскорблений и чужих персональных данных). Статус виден на странице предложения.
consult-send = Отправить предложение
consult-error-target = Выберите статью, к которой относится предложение, или статью, после которой должна идти новая.
consult-error-lang = Выберите язык предложения: казахский, русский или английский.
consult-error-text = Предлагаемый текст должен содержать от 10 до 10 000 знаков.
consult-error-rationale = Обоснование может содержать не более 10 000 знаков.
consult-error-duplicate = Для повтора укажите в поле «Подробности» номер прежнего предложения (например, P-000012).
consult-error-reason = Выберите причину; для «другой причины» укажите её в поле «Подробности».
consult-error-action = Выберите: опубликовать или не публиковать.
consult-refused = Невозможно
consult-unavailable = Временно недоступно
consult-unavailable-body = Ваш запрос сейчас не удалось записать; ничего не изменилось. Попробуйте ещё раз через минуту.
consult-not-moderator = Это могут делать только модераторы.
consult-moderation-intro = Предложения, ожидающие модерации, сначала самые ранние. Публикуйте предложения по теме проекта; отказывайте с причиной, которую увидит автор.
consult-moderation-empty = Ожидающих предложений нет.
devidp-title = Вход для разработки (не настоящий провайдер идентификации)
devidp-banner = ТОЛЬКО ДЛЯ ПРОВЕРКИ. Эта страница входа встроена в ashyq для демонстрации и тестов; здесь любой может войти как кто угодно. В настоящей системе граждане входят через провайдер идентификации государственного портала.
devidp-intro = Выберите вымышленного человека, под которым войти. ashyq получает только идентификатор человека, как и от настоящего провайдера.
devidp-choose = Войти как
devidp-continue = Войти
devidp-bad-request = Этот запрос на вход недействителен:
devidp-person-a = Тестовый гражданин А
devidp-person-b = Тестовый гражданин Б
devidp-person-c = Тестовый гражданин В
devidp-person-moderator = Тестовый модератор (может модерировать предложения)
devidp-person-voter = Тестовый избиратель { $n } (человек из синтетического регистра, в списке участка { $precinct })
signin-failed = Войти не удалось
signin-failed-body = Ничего не изменилось. Начните снова со страницы, на которой вы были:
signin-cancelled = Вход отменён или отклонён провайдером идентификации.
consult-no-meeting = Заседания с таким номером нет.
consult-not-open = Это предложение нельзя поддержать: поддерживают только опубликованные предложения и предложения в повестке.
# ---- Портал комиссий и происхождение протоколов (issue 5: portal) -------------------------
footer-portal = Портал комиссий
col-provenance = Подпись или ввод
provenance-signed = Подписан участковой комиссией, версия { $version }
provenance-signed-at = Время подписи
provenance-key = Ключ
provenance-document-hash = Хеш документа
provenance-signed-hint = Подпись покрывает документ с указанным хешем; ashyq verify проверяет её заново по ключу, зарегистрированному в журнале.
provenance-entered-by = Введён с бумажного протокола оператором { $name }
provenance-amended-by = Применён оператором { $name } при исправлении, без подписи комиссии
provenance-unsigned = Без подписи: передан без подписи комиссии и без имени оператора.
receipt-inclusion-proof = Доказательство того, что запись есть в журнале (доказательство включения)
receipt-tree-head = Текущая подписанная вершина дерева журнала
receipt-verify = Как проверить квитанцию самостоятельно
rule-kr-0 = Каждая строка — не больше 10 000 000.
rule-kr-1 = Включённые в список в день голосования и по открепительным удостоверениям (строки 2 + 3) не могут превышать число избирателей в списке (строка 1).
rule-kr-2 = Полученные бюллетени (строка 5) должны равняться выданным плюс погашенным (строки 6 + 7).
rule-kr-3 = Выданные бюллетени (строка 6) не могут превышать число избирателей в списке (строка 1).
rule-kr-4 = Бюллетени в ящиках (строка 8) должны равняться сумме «да» + «нет» + с обоими ответами + недействительные (строки 9 + 10 + 11 + 12).
rule-kr-4-list = Число бюллетеней в ящиках (строка 8) должно равняться сумме голосов за всех кандидатов или партии, «против всех» и недействительных бюллетеней (строки после 8-й).
rule-kr-5 = Бюллетеней в ящиках (строка 8) не может быть больше, чем выдано (строка 6).
rule-kw-1 = В ящиках меньше бюллетеней, чем выдано (строка 8 меньше строки 6): допустимо, отмечено для проверки.
rule-kw-2 = Проголосовали все избиратели из списка (строка 6 равна строке 1): допустимо, отмечено для проверки.
portal-title = Портал комиссий
portal-nav = Портал
portal-nav-dashboard = Сводка
portal-nav-upload = Загрузить подписанные протоколы
portal-nav-enter = Ввести протокол
portal-nav-public = Открытые результаты
portal-back = Вернуться в портал
portal-done = Готово:
portal-held = Оставлено на рассмотрение:
portal-refused = Отказано:
portal-signed-in-as = Вы вошли как { $name }
portal-sign-out = Выйти
portal-role-central = оператор Центральной избирательной комиссии
portal-role-observer = наблюдатель (только чтение)
portal-role-kurultai = секретариат Курултая
portal-role-audit-board = комиссия аудита
portal-role-territorial = оператор территориальной комиссии { $unit }
portal-sign-in-title = Вход для операторов
portal-sign-in-intro = Для операторов избирательных комиссий и наблюдателей с учётной записью. Открытые результаты доступны без входа.
portal-name = Имя учётной записи
portal-password = Пароль
portal-sign-in = Войти
portal-sign-in-wrong = Неверное имя или пароль.
portal-sign-in-locked = Слишком много неудачных попыток входа с этого адреса. Подождите немного и попробуйте снова.
portal-sign-in-failed = Войти сейчас невозможно.
portal-session-expired = Сеанс завершён. Войдите снова.
portal-signed-out = Вы вышли.
portal-form-expired-title = Эту форму нельзя принять
portal-form-expired-body = В форме нет токена формы этого сеанса: она из прошлого сеанса или с другой страницы. Ничего не изменено. Откройте страницу заново и отправьте форму оттуда.
portal-form-cross-site = Форма отправлена со страницы другого сайта. Ничего не изменено. Откройте портал на этом сайте и отправьте форму оттуда.
portal-problem-title = Что-то пошло не так
portal-no-referendum = На этом сервере ещё не определён ни один референдум.
portal-referendums = Референдумы
portal-dashboard-title = Портал: { $title }
portal-read-only = Здесь видно всё, но ничего нельзя изменить: у наблюдателей доступ только для чтения.
portal-counts-all = Ход подсчёта по всей стране
portal-counts-scope = Ход подсчёта на вашей территории: { $unit }
portal-count-precincts = Участков
portal-count-reported = Сообщили
portal-count-missing = Ещё нет
portal-count-conflicts = Расхождения на рассмотрении
portal-count-warnings = С предупреждениями
portal-conflicts-title = Расхождения на рассмотрении
portal-conflicts-none = Нет расхождений, ожидающих рассмотрения.
portal-conflicts-intro = Для участка, который уже сообщил итоги, пришёл другой протокол. Он записан, но не применён. Сравните его с применённым, затем примите как исправление или отклоните; в обоих случаях укажите причину — она публикуется в истории участка.
portal-conflict-arrived = Получен { $time }, запись журнала { $seq }
portal-conflict-differs = { $count ->
    [one] Отличается { $n } строка
    [few] Отличаются { $n } строки
   *[other] Отличаются { $n } строк
}
portal-compare-caption = Участок { $n }: применённый протокол и поступивший, строка за строкой
portal-col-line = Строка
portal-col-applied = Применён сейчас
portal-col-arriving = Поступил
portal-col-difference = Разница
portal-same = совпадает
portal-signed-version = подписан комиссией, версия { $version }
portal-accept-reason = Причина принятия
portal-accept = Принять как исправление
portal-dismiss-reason = Причина отклонения
portal-dismiss = Отклонить
portal-accepted = Новый протокол участка { $n } применён как исправление (запись журнала { $seq }).
portal-dismissed = Расхождение на участке { $n } отклонено; применённый протокол остаётся (запись журнала { $seq }).
portal-accept-refused = Протокол участка { $n } не принят.
portal-dismiss-refused = Расхождение на участке { $n } не отклонено.
portal-bad-precinct = «{ $text }» — это не номер участка.
portal-missing-title = Участки, которые ещё не сообщили
portal-missing-none = Все участки сообщили итоги.
portal-missing-count = { $count ->
    [one] Ещё не сообщил { $n } участок:
    [few] Ещё не сообщили { $n } участка:
   *[other] Ещё не сообщили { $n } участков:
}
portal-missing-more = …и ещё { $n }.
portal-missing-all = Полный список (JSON)
portal-warnings-title = Протоколы с предупреждениями
portal-warnings-none = Ни у одного применённого протокола нет предупреждений.
portal-warnings-caption = Применённые протоколы, контрольные соотношения которых дали предупреждение
portal-col-precinct = Участок
portal-col-warning = Предупреждение
portal-cert-title = Утверждение итогов
portal-cert-ready = Все участки сообщили итоги, открытых расхождений нет: результат окончательный и может быть утверждён. Утверждение закрепляет его навсегда.
portal-cert-button = Утвердить результат
portal-cert-not-final = Пока невозможно: не сообщили участков — { $missing }, открытых расхождений — { $conflicts }.
portal-cert-central-only = Результат утверждают только операторы Центральной избирательной комиссии.
portal-cert-done = Утверждён { $time }, оператор { $name }. Результат закреплён.
portal-certified = Результат утверждён и закреплён (запись журнала { $seq }).
portal-cert-refused = Результат не утверждён.
portal-upload-title = Загрузка подписанных протоколов
portal-upload-intro = Загрузите файлы протоколов, подписанные участковыми комиссиями командой «ashyq protocol sign» (один документ JSON в файле). Каждый файл проверяется так же, как при передаче через API: подпись, ключ, зарегистрированный для участка, время подписи и контрольные соотношения.
portal-upload-files = Файлы подписанных протоколов
portal-upload-hint = Один или несколько файлов .json, не больше 200 файлов и 2 МБ за раз.
portal-upload-button = Загрузить
portal-upload-none = Файл не выбран.
portal-upload-unreadable = Загрузку не удалось прочитать.
portal-upload-too-many = Приняты только первые { $max } файлов; остальные загрузите отдельно.
portal-file-accepted = { $file }: протокол участка { $n } принят (запись журнала { $seq }).
portal-file-known = { $file }: этот протокол участка { $n } уже записан (запись журнала { $seq }); ничего не изменилось.
portal-file-conflict = { $file }: участок { $n } уже сообщил другие числа; протокол записан для рассмотрения (запись журнала { $seq }), но не применён.
portal-file-refused = { $file }: не записан.
portal-enter-title = Ввод протокола
portal-enter-intro = Введите числа с бумажного протокола участка. Сервер проверяет контрольные соотношения; протокол записывается как введённый вами, с именем вашей учётной записи в открытом журнале.
portal-enter-lines-n = { $count ->
    [one] { $n } строка протокола
    [few] { $n } строки протокола
   *[other] { $n } строк протокола
}
portal-enter-check = Проверить
portal-enter-record = Записать протокол
portal-enter-fix = Ничего не записано: исправьте то, что указано в проверке ниже, и запишите снова.
portal-enter-refused = Протокол участка { $n } не записан.
portal-entered = Протокол участка { $n } записан как введённый вами (запись журнала { $seq }).
portal-entered-known = У участка { $n } уже ровно эти числа (запись журнала { $seq }); ничего не изменилось.
portal-entered-conflict = Участок { $n } уже сообщил другие числа; ваш ввод записан для рассмотрения (запись журнала { $seq }), но не применён.
check-fix-fields = Заполните каждое поле целым числом:
check-precinct-number = номер участка
check-not-a-number = { $line }
check-no-precinct = Участка { $n } нет в территории.
check-outside = Участок { $n } вне вашей территории: вы не можете вводить его протокол.
check-first = Участок { $n } ещё не сообщил итоги: этот протокол будет применён.
check-same = У этого участка уже ровно эти числа: запись ничего не изменит.
check-conflict = Этот участок уже сообщил другие числа: протокол будет оставлен на рассмотрение как расхождение.
check-ratios-hold = Все контрольные соотношения выполняются.
check-ratios-broken = { $count ->
    [one] Нарушено { $n } контрольное соотношение; протокол нельзя записать:
    [few] Нарушено { $n } контрольных соотношения; протокол нельзя записать:
   *[other] Нарушено { $n } контрольных соотношений; протокол нельзя записать:
}
check-warnings = Предупреждения (протокол можно записать; он будет отмечен для проверки):
portal-conflicts-more = Показаны первые { $shown } из { $total } расхождений; следующие появятся по мере рассмотрения этих.
provenance-unsigned-short = Без подписи
check-certified = Результат утверждён и закреплён: протоколы больше не записываются.
rule-kw-1-numbers = найдено { $found }, выдано { $issued }: не хватает { $missing }
rule-kw-2-numbers = выдано { $issued }, в списке { $list }

## Курултай за работой (web/kurultai/)

nav-kurultai = Курултай
kurultai-title = Курултай
kurultai-not-convened = На этом сервере Курултай не созван: его первой сессии нет в журнале.
kurultai-lead = Заполнено { $sitting } из { $seats } мест депутатами партийных списков; первая сессия состоялась { $day }. Каждый шаг палаты — запись публичного журнала.
kurultai-the-election = Выборы и распределение мест
kurultai-vacant = { $count ->
    [one] { $n } место вакантно.
    [few] { $n } места вакантны.
   *[other] { $n } мест вакантны.
}
kurultai-sections = Страницы Курултая
kurultai-bills = Законопроекты
kurultai-bill = Законопроект
kurultai-votes = Поимённые голосования
kurultai-deputies = Депутаты
kurultai-factions = Фракции
kurultai-factions-caption = Фракции по числу мест, которые сейчас занимают их депутаты
kurultai-col-faction = Фракция
kurultai-col-seats = Места
kurultai-col-share = Доля мест
kurultai-officers = Руководство палаты
kurultai-officers-none = Руководство ещё не избрано.
kurultai-office-chair = Председатель
kurultai-office-vice-chair = Заместитель председателя
kurultai-since = с { $day }
kurultai-committees = Комитеты
kurultai-committees-none = Комитеты ещё не образованы.
kurultai-committees-caption = Каждый комитет, его председатель, члены и переданные ему законопроекты
kurultai-committee = Комитет
kurultai-col-chair = Председатель
kurultai-col-members = Члены
kurultai-vice-president = Вице-президент
kurultai-vp-vacant = Должность вакантна
kurultai-vp-nominated = Кандидатура внесена Президентом и ждёт согласия Курултая
kurultai-vp-consented = Курултай дал согласие; ожидается назначение
kurultai-vp-in-office = В должности
kurultai-council = Народный совет
kurultai-council-lead = Членов сейчас: { $members }; проведено сессий: { $sessions }. Совет вправе вносить законопроекты в Курултай и предлагать референдум.
kurultai-council-initiatives = Инициативы Совета и их судьба
kurultai-col-proposal = Предложение
kurultai-col-vote = Голосование
kurultai-col-became = Стало
kurultai-council-bill = Законопроект
kurultai-council-referendum = Референдум (проект для компетентного органа)
kurultai-council-members = Члены Совета
kurultai-open-data = Открытые данные
kurultai-popolo = Палата в формате Popolo JSON (лица, организации, членство, голосования)
kurultai-votes-csv = Все индивидуальные голоса в CSV
kurultai-verify-hint = Каждый подсчёт и итог заново выводится из журнала командой ashyq verify.
kurultai-deputies-intro = Все депутаты, когда-либо занимавшие место, по фракциям, с долей поимённых голосований, на которых они присутствовали, пока были депутатами. Отсутствие учитывается как отсутствие, а не как голос.
kurultai-deputies-caption = Депутаты фракции { $faction }
kurultai-col-deputy = Депутат
kurultai-col-mandate = Мандат
kurultai-col-votes = Голосования
kurultai-col-attendance = Присутствие
kurultai-mandate-since = с { $from }
kurultai-mandate-ended = с { $from } по { $to }
kurultai-no-deputy = Нет депутата с идентификатором { $id }.
kurultai-no-committee = Нет комитета с идентификатором { $id }.
kurultai-no-bill = Нет законопроекта с идентификатором { $id }.
kurultai-no-vote = Нет поимённого голосования с номером { $id }.
kurultai-attendance = Присутствие
kurultai-attendance-text = Присутствовал(а) на { $share } из { $count ->
    [one] { $votes } голосования
   *[other] { $votes } голосований
} за время мандата; отсутствовал(а) на { $absent }.
kurultai-ballot-counts = Голоса по видам
kurultai-record = Как голосовал(а)
kurultai-record-caption = Каждое поимённое голосование, новые сверху, с голосом депутата
kurultai-record-none = Голосований ещё не было.
kurultai-col-date = Дата
kurultai-col-motion = Вопрос
kurultai-col-ballot = Голос
kurultai-col-outcome = Итог
kurultai-col-kind = Вид
kurultai-feed = Подписаться (лента Atom)
kurultai-feed-author = Аппарат Курултая (запись в ashyq)
kurultai-feed-deputy-entry = { $name }: { $ballot } — { $motion }
kurultai-pages = Страницы
kurultai-page-of = Страница { $page } из { $pages }
kurultai-newer = Новее
kurultai-older = Старее
kurultai-previous = Назад
kurultai-next = Дальше
kurultai-ballot-yes = За
kurultai-ballot-no = Против
kurultai-ballot-abstain = Воздержался
kurultai-ballot-absent = Отсутствовал
kurultai-ballot-not-voting = Присутствовал, не голосовал
kurultai-carried = Принято
kurultai-not-carried = Не принято
kurultai-inquorate = Не принято: нет кворума
kurultai-vote-n = Голосование № { $n }
kurultai-votes-intro = Все поимённые голосования палаты и Народного совета, новые сверху, с подсчётом.
kurultai-votes-caption = Поимённые голосования и их подсчёт
kurultai-rule = Правило
kurultai-rule-text = Присутствовали { $present } из { $seats } (кворум { $quorum }); нужно голосов: { $needed }, подано «за»: { $yes }.
kurultai-by-faction = Подсчёт по фракциям
kurultai-by-block = Подсчёт по блокам
kurultai-by-faction-caption = Подсчёт по каждой группе и итог
kurultai-col-block = Блок
kurultai-total = Всего
kurultai-each-vote = Голос каждого
kurultai-formed = Образован
kurultai-members-n = { $count ->
    [one] { $n } член
    [few] { $n } члена
   *[other] { $n } членов
}
kurultai-bills-none = Законопроектов ему не передано.
kurultai-search-label = Слова в названии или тексте
kurultai-search = Найти
kurultai-search-failed = Поисковый индекс не сработал; список пуст. Повторите попытку или отберите без слов.
kurultai-filter-any = Любой
kurultai-col-status = Статус
kurultai-col-initiator = Инициатор
kurultai-col-bill = Законопроект
kurultai-col-last = Последний шаг
kurultai-found = { $count ->
    [one] { $n } законопроект
    [few] { $n } законопроекта
   *[other] { $n } законопроектов
}
kurultai-bills-caption = Найденные законопроекты в порядке внесения (при поиске — по релевантности)
kurultai-overdue = Просрочено
kurultai-status-in_readings = В чтениях (пройдено { $passed } из 3)
kurultai-status-adopted = Принят, направляется Президенту
kurultai-status-transmitted = У Президента
kurultai-status-returned = Возвращён с возражениями
kurultai-status-signed = Подписан
kurultai-status-rejected = Отклонён
kurultai-filter-in_readings = В чтениях
kurultai-filter-adopted = Принят
kurultai-filter-transmitted = У Президента
kurultai-filter-returned = Возвращён с возражениями
kurultai-filter-signed = Подписан
kurultai-filter-rejected = Отклонён
kurultai-initiator-president = Президент
kurultai-initiator-deputies = Депутаты
kurultai-initiator-government = Правительство
kurultai-initiator-peoples_council = Народный совет
kurultai-initiator-supreme_court = Верховный суд
kurultai-initiator-council-n = Народный совет (инициатива { $n })
kurultai-kind-law = Закон
kurultai-kind-constitutional = Конституционный закон
kurultai-priority = Приоритетный законопроект
kurultai-introduced = Внесён
kurultai-readings = Чтения
kurultai-readings-of = пройдено { $n } из 3
kurultai-signed-on = Подписан
kurultai-in-force = Вступает в силу
kurultai-in-force-from = вступает в силу { $day }
kurultai-akn = Akoma Ntoso
kurultai-deadlines = Сроки
kurultai-deadlines-caption = Что и к какому сроку должно быть сделано и когда сделано
kurultai-col-due-for = Что
kurultai-col-due = Срок
kurultai-col-done = Сделано
kurultai-deadline-priority = Принятие приоритетного законопроекта
kurultai-deadline-transmit = Направление Президенту
kurultai-deadline-sign = Подписание или возврат Президентом
kurultai-objections = Возражения Президента
kurultai-petitions = Обращения в Конституционный суд
kurultai-petition-signatories = { $count ->
    [one] подписал { $n } депутат
    [few] подписали { $n } депутата
   *[other] подписали { $n } депутатов
}
kurultai-timeline = Ход рассмотрения
kurultai-versions = Редакции текста
kurultai-version-n = Редакция { $n }
kurultai-version-introduced = внесённая
kurultai-version-amendment = поправка:
kurultai-diff-from = Изменения относительно редакции { $n }
kurultai-current-text = Действующая редакция
kurultai-step-convened = Палата созвана
kurultai-step-officer_voted = Избрание должностного лица
kurultai-step-committee_formed = Образован комитет
kurultai-step-committee_recomposed = Изменён состав комитета
kurultai-step-bill_introduced = Внесён
kurultai-step-amendment_voted = Голосование по поправке
kurultai-step-reading_voted = Голосование по чтению
kurultai-step-transmitted = Направлен Президенту
kurultai-step-signed = Подписан Президентом
kurultai-step-returned = Возвращён Президентом с возражениями
kurultai-step-override_voted = Голосование о преодолении возражений
kurultai-step-court_petitioned = Обращение в Конституционный суд
kurultai-step-council_member_joined = В Народный совет вошёл член
kurultai-step-council_member_left = Член вышел из Народного совета
kurultai-step-council_session_held = Сессия Народного совета
kurultai-step-council_initiative_voted = Голосование Народного совета по инициативе
kurultai-step-vice_president_nominated = Внесена кандидатура вице-президента
kurultai-step-vice_president_consent_voted = Голосование о согласии на назначение вице-президента
kurultai-step-vice_president_appointed = Вице-президент назначен
kurultai-step-vice_president_dismissed = Вице-президент освобождён

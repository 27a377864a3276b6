## The public pages of risk-limiting audits (web/audit.rs)

nav-audits = Аудиты
audit-list-title = Аудиты с ограничением риска
audit-list-intro = Аудит с ограничением риска проверяет, что протоколы соответствуют бумажным бюллетеням: аудиторские группы вручную пересчитывают случайную выборку участков или бюллетеней, отобранную по публично выброшенному зерну, пока данные не подтвердят объявленный итог при заданном пределе риска, либо весь контест пересчитывается вручную. Любой может заново отобрать выборку и пересчитать риск по журналу командой ashyq verify.
audit-list-none = Аудитов пока нет.
audit-list-caption = Все аудиты и число подтверждённых контестов
audit-list-json = Список в JSON
audit-not-found = Аудита с таким идентификатором нет, или в нём нет такого контеста.
audit-col-audit = Аудит
audit-col-referendum = Референдум
audit-col-method = Метод
audit-col-limit = Предел риска
audit-col-rounds = Раундов отобрано
audit-col-confirmed = Подтверждено контестов
audit-confirmed-of = { $confirmed } из { $contests }
audit-method-batch = Сравнение пачек (MACRO): участки отбираются с вероятностью, пропорциональной границе ошибки, ручной подсчёт сравнивается с протоколом
audit-method-polling = Опрос бюллетеней (BRAVO): бюллетени отбираются случайно, каждый зачитывается
audit-method-alpha = Опрос бюллетеней (ALPHA): бюллетени отбираются случайно без возвращения, каждый зачитывается
audit-method-except = ; эти контесты другим методом:
audit-title = Аудит { $id }
audit-seed = Зерно публичной церемонии
audit-seed-none = ещё не записано
audit-rounds = Раунды
audit-rounds-text = отобрано { $drawn }, измерено { $measured }
audit-contests = Контесты
audit-contests-caption = Каждый контест аудита и его вывод
audit-contest-national = Вся страна
audit-col-contest = Контест
audit-col-winner = Объявленный итог
audit-col-draws = Отобрано
audit-col-discrepancies = Участков с расхождениями
audit-col-risk = Риск
audit-col-conclusion = Вывод
audit-answer-yes = Побеждает «да»
audit-answer-no = Побеждает «нет»
audit-answer-tie = Равенство (полный пересчёт)
audit-conclusion-not-drawn = Ещё не отобрано
audit-conclusion-open = Раунд { $round } открыт для ввода
audit-conclusion-confirmed = Подтверждено при риске ≤ { $limit } (риск { $risk })
audit-conclusion-more = { $count ->
    [one] Расширить: отобрать ещё { $n } (риск { $risk } выше предела { $limit })
    [few] Расширить: отобрать ещё { $n } (риск { $risk } выше предела { $limit })
   *[many] Расширить: отобрать ещё { $n } (риск { $risk } выше предела { $limit })
}
audit-conclusion-escalate = Полный ручной пересчёт на территории контеста (риск { $risk })
audit-decision-confirmed = подтверждено при риске ≤ { $limit }
audit-decision-more = отобрать ещё { $n }
audit-decision-escalate = полный ручной пересчёт
audit-files = Отчёт
audit-report-json = Отчёт в JSON
audit-report-csv = Отчёт в CSV (строка на каждый отбор)
audit-verify-hint = Выборка, расхождения и риск выводятся заново из журнала и зерна:
audit-contest-title = { $contest }: аудит { $id }
audit-reported = Что сообщают протоколы
audit-reported-text = { $winner }: { $count }.
audit-count = да { $yes } · нет { $no } · обе отметки { $both } · недействительных { $invalid }
audit-risk-rounds = Риск после каждого раунда
audit-risk-none = Ни один раунд этого контеста ещё не измерен.
audit-risk-caption = Риск, измеренный после каждого раунда: наибольшая вероятность, что неверный итог дошёл бы до этого места
audit-risk-rounding = Риск вычисляется точно и публикуется с округлением вверх, никогда вниз.
audit-col-round = Раунд
audit-col-draws-so-far = Отобрано всего
audit-col-decision = Решение
audit-discrepancies = Расхождения с протоколами
audit-discrepancies-polling = При опросе бюллетеней зачитываются отдельные бюллетени; подсчёт участка с протоколом не сравнивается.
audit-discrepancies-none = Ни один согласованный ручной подсчёт не расходится с протоколом.
audit-precinct = Участок № { $n }
audit-line-yes = Да
audit-line-no = Нет
audit-line-both = Обе отметки
audit-line-invalid = Недействительные
audit-discrepancy-line = { $line }: протокол { $protocol }, бумага { $paper } ({ $diff })
audit-sample = Выборка
audit-sample-none = Для этого контеста ещё ничего не отобрано.
audit-round-drawn = { $count ->
    [one] Раунд { $round }: { $n } отбор
    [few] Раунд { $round }: { $n } отбора
   *[many] Раунд { $round }: { $n } отборов
}
audit-sample-caption = Отборы раунда { $round } по порядку билетов, с вводом каждого члена группы
audit-col-item = Участок или бюллетень
audit-col-ticket = Билет
audit-col-generation = Отобран раз
audit-col-entries = Ввод членов группы
audit-col-agreed = Согласовано
audit-no-entry = ввода ещё нет
audit-differs = расходится с протоколом
audit-disputed = члены группы расходятся
audit-waiting = ждёт двух совпадающих вводов
audit-reading-yes = да
audit-reading-no = нет
audit-reading-both = обе отметки
audit-reading-invalid = недействительный
audit-reading-not-found = не найден

## The audit boards' pages of the portal (web/portal/audit.rs)

portal-audit-link = Аудиты: ввод ручного подсчёта отобранных участков и бюллетеней
portal-audit-title = Ввод аудита
portal-audit-intro = В открытом раунде каждого аудита перечислены участки или бюллетени, отобранные на вашей территории. Пересчитайте бумагу вручную и введите результат; второй член группы вводит его тоже, не видя вашего. Позиция согласована, когда два члена ввели одно и то же; если они расходятся, оба видят оба ввода и пересчитывают.
portal-audit-waiting = раунд { $round }: { $waiting } из { $total } позиций вашей территории ждут двух совпадающих вводов
portal-audit-no-round = Нет раунда, открытого для ввода.
portal-audit-public = Публичный отчёт аудита
portal-audit-round-open = Раунд { $round } открыт для ввода.
portal-audit-read-only = Подсчёты вводят только аудиторские группы и операторы ЦИК; эта учётная запись только читает.
portal-audit-nothing = Ни одна позиция этого аудита не находится на вашей территории.
portal-audit-ballot = Бюллетень { $k } участка № { $n }
portal-audit-found = в ящиках найдено бюллетеней: { $n } (манифест)
portal-audit-yours = вы: { $entry }
portal-audit-other-entered = { $member } ввёл(а) (скрыто, пока вы не введёте)
portal-audit-agreed = Согласовано: { $entry }.
portal-audit-disputed = Вводы членов группы расходятся. Пересчитайте бумагу и введите результат.
portal-audit-count-legend = Ручной подсчёт: { $item }
portal-audit-reading-legend = Бюллетень { $item }
portal-audit-record = Записать ввод
portal-audit-refused = Для { $item } ничего не записано.
portal-audit-not-numbers = Введите целые числа в полях: { $fields }.
portal-audit-no-reading = Выберите, как отмечен бюллетень.
portal-audit-bad-item = Позиция — не номер участка и не бюллетень.
portal-audit-entered = Ваш ввод для { $item } записан (запись журнала { $seq }); он ждёт второго члена группы.
portal-audit-entered-agreed = Ваш ввод для { $item } записан (запись журнала { $seq }); два члена группы согласны.
portal-audit-entered-disputed = Ваш ввод для { $item } записан (запись журнала { $seq }), но расходится с вводом другого члена группы: пересчитайте.
portal-audit-measured = Все позиции раунда согласованы: раунд измерен (запись журнала { $seq }).

## The full hand count of an escalated contest (web/audit.rs)

audit-hand-count = Полный ручной пересчёт
audit-hand-count-progress = Вручную полностью пересчитано { $counted } из { $precincts } участков контеста; { $amended } пересчётов расходятся с протоколом и заменяют его как изменение итогов, которые теперь следуют бумаге.
audit-hand-count-caption = Участки, где ручной пересчёт заменил утверждённый протокол
audit-col-certified = Утверждённый протокол
audit-col-hand-count = Ручной пересчёт
audit-col-reason = Основание и автор

# The status of a certified result a full hand count after an audit amended.
status-certified-amended = Итоги утверждены, исправлены по аудиту

# The referendum's pages: its audits, each with its conclusion for the page's contest.
audit-referendum-audits = Аудиты с ограничением риска
audit-referendum-audit = Аудит { $id }

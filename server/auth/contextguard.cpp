// SPDX-License-Identifier: MIT
#include "contextguard.h"

#include <QtCore/QHash>

namespace chat {

namespace {

struct Registry
{
    QMutex mutex;
    QHash<QObject *, std::shared_ptr<ContextGuard>> guards;
    // Receiver of the destroyed() connections. It must outlive every context, including
    // objects destroyed during static destruction, so it is never deleted.
    QObject *anchor = new QObject;
};

Registry &registry()
{
    static Registry *instance = new Registry;
    return *instance;
}

} // namespace

std::shared_ptr<ContextGuard> ContextGuard::of(QObject *context)
{
    Q_ASSERT(context);
    Registry &reg = registry();
    QMutexLocker locker(&reg.mutex);
    auto it = reg.guards.constFind(context);
    if (it != reg.guards.cend())
        return *it;
    auto guard = std::make_shared<ContextGuard>(context);
    reg.guards.insert(context, guard);
    // Direct: runs in the destroying thread, inside ~QObject, before its posted events are
    // discarded and before the memory can be reused for another context.
    QObject::connect(
            context, &QObject::destroyed, reg.anchor,
            [guard](QObject *dying) {
                guard->contextDestroyed();
                Registry &r = registry();
                QMutexLocker l(&r.mutex);
                r.guards.remove(dying);
            },
            Qt::DirectConnection);
    return guard;
}

bool ContextGuard::isAlive() const
{
    QMutexLocker locker(&m_mutex);
    return m_context != nullptr;
}

void ContextGuard::contextDestroyed()
{
    QMutexLocker locker(&m_mutex);
    m_context = nullptr;
}

} // namespace chat

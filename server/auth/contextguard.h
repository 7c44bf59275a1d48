// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QMetaObject>
#include <QtCore/QMutex>
#include <QtCore/QObject>

#include <memory>
#include <utility>

namespace chat {

//! \brief Delivers results computed on a worker thread to a QObject's own thread, and drops
//! them when that object has been destroyed in the meantime.
//!
//! QMetaObject::invokeMethod() on a context object from another thread is only safe while the
//! object is alive, and a QPointer cannot be checked across threads without a race (QFuture's
//! then(context, ...) in Qt 6.4 has exactly that race). A guard instead holds a mutex that the
//! object's destroyed() handler also takes, so a post either lands in the object's event queue
//! before the destructor removes pending events, or sees the object gone.
//!
//! There is one guard per context object, created on first use and released when the object is
//! destroyed, so long-lived contexts cost one connection however many calls they make.
class ContextGuard
{
public:
    //! The guard of \a context. Call it while \a context is alive (normally from the thread
    //! that owns it, when a request is made).
    static std::shared_ptr<ContextGuard> of(QObject *context);

    //! Queues \a function to run in the context object's thread. Returns false, without running
    //! it, when the object was already destroyed. Safe to call from any thread.
    template<typename Function>
    bool post(Function &&function)
    {
        QMutexLocker locker(&m_mutex);
        if (!m_context)
            return false;
        QMetaObject::invokeMethod(m_context, std::forward<Function>(function),
                                  Qt::QueuedConnection);
        return true;
    }

    //! True until the context object's destructor has started.
    bool isAlive() const;

    explicit ContextGuard(QObject *context) : m_context(context) { }
    ContextGuard(const ContextGuard &) = delete;
    ContextGuard &operator=(const ContextGuard &) = delete;

private:
    void contextDestroyed();

    mutable QMutex m_mutex;
    QObject *m_context;
};

} // namespace chat

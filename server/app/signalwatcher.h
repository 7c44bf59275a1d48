// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>

class QSocketNotifier;

namespace chat::app {

//! \brief Turns SIGTERM and SIGINT into a Qt signal, delivered by the event loop.
//!
//! A Unix signal handler may do almost nothing; it writes to a socket pair, and a
//! QSocketNotifier on the other end runs the rest in the event loop.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void onActivated();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace chat::app

package hal

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Stream captures frames from a sensor in a goroutine and delivers them on C.
//
// # Slow consumers
//
// C holds at most depth frames. When the consumer falls behind and C is full,
// the stream drops the oldest frame in C to make room for the newest, so a
// consumer always sees the most recent frames, and counts it in Dropped.
// Frames lost by the sensor (ErrDropped) and timeouts (ErrTimeout) are
// counted too and the stream carries on.
//
// # Buffers
//
// Frames received from C belong to the consumer. Handing them back with
// Release lets the stream reuse their buffers; frames never released are
// simply garbage collected.
//
// # Ending
//
// The stream ends, and C is closed, when ctx is done, Stop is called, the
// sensor is halted (its Capture returns ErrClosed) or Capture fails with an
// error that is not transient. Err then says why.
type Stream struct {
	C <-chan *Frame

	c       chan *Frame
	free    chan *Frame
	cancel  context.CancelFunc
	done    chan struct{}
	dropped atomic.Uint64
	mu      sync.Mutex
	err     error
}

// NewStream starts streaming from s with room for depth frames in C (1 when
// depth < 1).
func NewStream(ctx context.Context, s Sensor, depth int) *Stream {
	depth = max(depth, 1)
	ctx, cancel := context.WithCancel(ctx)
	c := make(chan *Frame, depth)
	st := &Stream{C: c, c: c, free: make(chan *Frame, depth+2), cancel: cancel, done: make(chan struct{})}
	go st.run(ctx, s)
	return st
}

func (st *Stream) run(ctx context.Context, s Sensor) {
	defer close(st.done)
	defer close(st.c)
	for {
		var f *Frame
		select {
		case f = <-st.free:
		default:
			f = new(Frame)
		}
		err := s.Capture(ctx, f)
		if err != nil {
			if Transient(err) && ctx.Err() == nil {
				st.dropped.Add(1)
				st.Release(f)
				continue
			}
			if ctx.Err() != nil && !errors.Is(err, ErrClosed) {
				err = ctx.Err()
			}
			st.mu.Lock()
			st.err = err
			st.mu.Unlock()
			return
		}
		select {
		case st.c <- f:
			continue
		default:
		}
		// C is full: drop the oldest frame.
		select {
		case old := <-st.c:
			st.dropped.Add(1)
			st.Release(old)
		default:
		}
		st.c <- f // only this goroutine sends, and there is room now
	}
}

// Release hands a frame received from C back to the stream for reuse.
func (st *Stream) Release(f *Frame) {
	select {
	case st.free <- f:
	default:
	}
}

// Dropped returns the number of frames lost so far: dropped for a slow
// consumer, lost by the sensor or timed out.
func (st *Stream) Dropped() uint64 { return st.dropped.Load() }

// Stop ends the stream and waits for its goroutine to finish. Frames still in
// C can be received after Stop.
func (st *Stream) Stop() {
	st.cancel()
	<-st.done
}

// Err returns why the stream ended: ErrClosed (wrapped) when the sensor was
// halted, context.Canceled after Stop, nil while it runs.
func (st *Stream) Err() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

-- Carrier polling (src/jobs/carrier-refresh.ts): when wismo last asked the carrier API about a
-- shipment, so a quiet parcel is asked at most once per window, however often the job runs.
ALTER TABLE shipments ADD COLUMN last_polled_at timestamptz;

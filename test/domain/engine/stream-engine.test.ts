import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import { emitted } from '../../support/order-lines-compat';
import { iso, ms, order, row } from '../../support/order-lines';
import { OrdersTestStream } from '../../support/orders-test-stream';

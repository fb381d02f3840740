/** TestBed on Angular's server platform: a DOM (domino) in Node, so components render without a browser. */
import '@angular/compiler'; // Angular's packages are partially compiled: outside the CLI their declarations compile JIT
import { TestBed } from '@angular/core/testing';
import { platformServerTesting, ServerTestingModule } from '@angular/platform-server/testing';

TestBed.initTestEnvironment(ServerTestingModule, platformServerTesting(), { teardown: { destroyAfterEach: true } });
